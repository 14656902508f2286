#include "template/chat_template.h"

#include <gtest/gtest.h>

#include "template/jinja/error.h"
#include "template/jinja_test_paths.h"

namespace tandem::templates {
namespace {

const std::vector<ChatMessage> kChat = {
    {"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello!"}, {"user", "2+2?"}};

// Fragments of the real Jinja sources, enough to tell the families apart.
struct Case {
  const char* jinja;
  ChatTemplateKind kind;
  const char* name;
};

TEST(ChatTemplate, DetectsFamiliesFromJinja) {
  const Case cases[] = {
      {"{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'}}",
       ChatTemplateKind::kChatML, "chatml"},
      {"{%- if enable_thinking is defined and enable_thinking is false %}{{- "
       "'<think>\\n\\n</think>\\n\\n' }}<|im_start|>",
       ChatTemplateKind::kChatML, "qwen3"},
      {"{{ bos_token }}{% set content = '<|start_header_id|>' + message['role'] + "
       "'<|end_header_id|>\\n\\n' %}",
       ChatTemplateKind::kLlama3, "llama3"},
      {"{% if messages[0]['role'] == 'system' %}<<SYS>>\\n{{ bos_token + '[INST] ' }}",
       ChatTemplateKind::kLlama2, "llama2"},
      {"{{ bos_token }}{% for message in messages %}{{ '[INST] ' + message['content'] + ' [/INST]' "
       "}}",
       ChatTemplateKind::kMistral, "mistral"},
      {"{{'<|' + message['role'] + '|>' + '\\n' + message['content'] + '<|end|>\\n'}}<|assistant|>",
       ChatTemplateKind::kPhi3, "phi3"},
      {"{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}",
       ChatTemplateKind::kGemma, "gemma"},
      {"{{ '<|user|>\\n' + message['content'] + eos_token }}{{ '<|assistant|>' }}",
       ChatTemplateKind::kZephyr, "zephyr"},
      // GLM-4 uses <|user|>/<|assistant|> tags as Zephyr does; its prefix decides.
      {"[gMASK]<sop>{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}{% endfor %}",
       ChatTemplateKind::kGlm4, "glm4"},
      {"", ChatTemplateKind::kPlain, "plain"},
      {"{{ something unknown }}", ChatTemplateKind::kPlain, "plain"},
  };
  for (const auto& c : cases) {
    const auto t = ChatTemplate::detect(c.jinja);
    EXPECT_EQ(t.kind(), c.kind) << c.jinja;
    EXPECT_EQ(t.name(), c.name) << c.jinja;
  }
}

std::string render(const char* name, ChatRenderOptions o = {}) {
  auto t = ChatTemplate::by_name(name, "</s>");
  EXPECT_TRUE(t.has_value()) << name;
  return t->render(kChat, o);
}

TEST(ChatTemplate, ChatML) {
  EXPECT_EQ(render("chatml"),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
            "<|im_start|>assistant\n");
}

TEST(ChatTemplate, Qwen3ThinkingSwitch) {
  const std::string on = render("qwen3");
  EXPECT_TRUE(on.ends_with("<|im_start|>assistant\n"));
  ChatRenderOptions off;
  off.enable_thinking = false;
  EXPECT_EQ(render("qwen3", off), on + "<think>\n\n</think>\n\n");
  EXPECT_EQ(render("chatml", off), render("chatml"));  // no thinking mode: ignored
}

TEST(ChatTemplate, Llama3) {
  EXPECT_EQ(render("llama3"),
            "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplate, Llama2FoldsSystemIntoFirstUserTurn) {
  EXPECT_EQ(render("llama2"),
            "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello!</s><s>[INST] 2+2? [/INST]");
}

TEST(ChatTemplate, Mistral) {
  EXPECT_EQ(render("mistral"), "[INST] Be brief.\n\nHi [/INST]Hello!</s><s>[INST] 2+2? [/INST]");
}

TEST(ChatTemplate, Phi3AndZephyr) {
  EXPECT_EQ(render("phi3"),
            "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
            "<|user|>\n2+2?<|end|>\n<|assistant|>\n");
  EXPECT_EQ(render("zephyr"),
            "<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello!</s>\n"
            "<|user|>\n2+2?</s>\n<|assistant|>\n");
}

TEST(ChatTemplate, GemmaUsesModelRoleAndFoldsSystem) {
  EXPECT_EQ(render("gemma"),
            "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!"
            "<end_of_turn>\n<start_of_turn>user\n2+2?<end_of_turn>\n<start_of_turn>model\n");
}

// llama.cpp's built-in CHATGLM_4 rendering (llama-chat.cpp), byte for byte.
TEST(ChatTemplate, Glm4AsLlamaCpp) {
  EXPECT_EQ(render("glm4"),
            "[gMASK]<sop><|system|>\nBe brief.<|user|>\nHi<|assistant|>\nHello!<|user|>\n2+2?"
            "<|assistant|>\n");
  EXPECT_EQ(render("chatglm4"), render("glm4"));
}

TEST(ChatTemplate, PlainFallback) {
  EXPECT_EQ(render("plain"),
            "system: Be brief.\nuser: Hi\nassistant: Hello!\nuser: 2+2?\nassistant:");
  ChatRenderOptions no_gen;
  no_gen.add_generation_prompt = false;
  EXPECT_EQ(render("plain", no_gen),
            "system: Be brief.\nuser: Hi\nassistant: Hello!\nuser: 2+2?\n");
}

TEST(ChatTemplate, NamesAndEndOfTurn) {
  for (const auto& n : ChatTemplate::names()) EXPECT_TRUE(ChatTemplate::by_name(n)) << n;
  EXPECT_FALSE(ChatTemplate::by_name("jinja-4"));
  EXPECT_EQ(ChatTemplate::by_name("chatml")->end_of_turn(), "<|im_end|>");
  EXPECT_EQ(ChatTemplate::by_name("llama3")->end_of_turn(), "<|eot_id|>");
  EXPECT_EQ(ChatTemplate::by_name("gemma")->end_of_turn(), "<end_of_turn>");
  EXPECT_EQ(ChatTemplate::by_name("glm4")->end_of_turn(), "<|user|>");
  EXPECT_EQ(ChatTemplate::by_name("plain")->end_of_turn(), "");
}

}  // namespace
}  // namespace tandem::templates

namespace tandem::templates {
namespace {

std::vector<ChatMessage> basic_chat() {
  return {{"system", "You are a helpful assistant."},
          {"user", "Hello!"},
          {"assistant", "Hi there. How can I help?"},
          {"user", "Tell me a joke."}};
}

// The Jinja path renders as python3-jinja2 does (testdata/templates/expected was written by
// tests/template/jinja_reference.py from the same messages, case basic.json).
TEST(ChatTemplateJinja, RendersTheFileTemplateLikeJinja2) {
  const auto dir = test::templates_dir();
  const auto t = ChatTemplate::from_jinja(test::slurp(dir / "Qwen-Qwen2.5-7B-Instruct.jinja"),
                                          "<s>", "</s>", false, "test");
  EXPECT_TRUE(t.is_jinja());
  EXPECT_EQ(t.name(), "jinja");
  EXPECT_EQ(t.end_of_turn(), "<|im_end|>");  // the family is still recognised
  EXPECT_EQ(t.describe(), "jinja from test (family chatml)");
  EXPECT_EQ(t.render(basic_chat()),
            test::slurp(dir / "expected" / "Qwen-Qwen2.5-7B-Instruct.basic.txt"));
}

// llama.cpp drops a leading BOS text when the tokenizer adds BOS itself; so do we.
TEST(ChatTemplateJinja, LeadingBosIsStrippedOnlyWhenTheTokenizerAddsIt) {
  const auto dir = test::templates_dir();
  const std::string src = test::slurp(dir / "meta-llama-Llama-3.1-8B-Instruct.jinja");
  const std::string expected =
      test::slurp(dir / "expected" / "meta-llama-Llama-3.1-8B-Instruct.basic.txt");
  ASSERT_TRUE(expected.starts_with("<s>"));
  const auto keep = ChatTemplate::from_jinja(src, "<s>", "</s>", false, "test");
  const auto strip = ChatTemplate::from_jinja(src, "<s>", "</s>", true, "test");
  EXPECT_EQ(keep.render(basic_chat()), expected);
  EXPECT_EQ(strip.render(basic_chat()), expected.substr(3));
  EXPECT_EQ(strip.end_of_turn(), "<|eot_id|>");
}

// A glm4 file's template: GLM-4-0414's layout (system turns first, then the others, each
// "<|role|>\n" + content, written here for the test) through the Jinja renderer gives what
// llama.cpp's built-in GLM-4 rendering gives; the GLM-4.6 template in testdata is recognised
// as the same family and still renders as jinja2 does.
TEST(ChatTemplateJinja, Glm4TemplatesRender) {
  const char* glm4 =
      "[gMASK]<sop>{%- for msg in messages %}{%- if msg.role == 'system' %}<|system|>\n"
      "{{ msg.content }}{%- endif %}{%- endfor %}{%- for message in messages if message.role != "
      "'system' %}{%- if message.role == 'user' %}<|user|>\n{{ message.content }}{%- elif "
      "message.role == 'assistant' %}<|assistant|>\n{{ message.content }}{%- endif %}{%- "
      "endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";
  const auto t = ChatTemplate::from_jinja(glm4, "", "<|endoftext|>", false, "test");
  EXPECT_EQ(t.describe(), "jinja from test (family glm4)");
  EXPECT_EQ(t.end_of_turn(), "<|user|>");
  EXPECT_EQ(t.render(basic_chat()), ChatTemplate::by_name("glm4")->render(basic_chat()));

  const auto dir = test::templates_dir();
  const auto glm46 = ChatTemplate::from_jinja(test::slurp(dir / "GLM-4.6.jinja"), "",
                                              "<|endoftext|>", false, "test");
  EXPECT_EQ(glm46.describe(), "jinja from test (family glm4)");
  EXPECT_EQ(glm46.render(basic_chat()), test::slurp(dir / "expected" / "GLM-4.6.basic.txt"));
}

TEST(ChatTemplateJinja, ThinkingSwitchReachesTheTemplate) {
  const auto t = ChatTemplate::from_jinja(
      test::slurp(test::templates_dir() / "Qwen-Qwen3-0.6B.jinja"), "", "<|im_end|>", false, "t");
  EXPECT_TRUE(t.supports_thinking());
  ChatRenderOptions o;
  o.enable_thinking = false;
  const std::string off = t.render({{"user", "Hi"}}, o);
  EXPECT_NE(off.find("<think>\n\n</think>"), std::string::npos) << off;
  EXPECT_EQ(t.render({{"user", "Hi"}}).find("<think>"), std::string::npos);
}

TEST(ChatTemplateJinja, RefusalsAndBadSourcesAreTemplateErrors) {
  const auto gemma =
      ChatTemplate::from_jinja(test::slurp(test::templates_dir() / "google-gemma-2-2b-it.jinja"),
                               "<bos>", "<eos>", true, "t");
  try {
    gemma.render(basic_chat());
    FAIL() << "gemma-2 accepted a system message";
  } catch (const RaisedError& e) {
    EXPECT_STREQ(e.what(), "System role not supported");
  }
  EXPECT_THROW(ChatTemplate::from_jinja("{% if %}", "", "", false, "t"), ParseError);
}

}  // namespace
}  // namespace tandem::templates
