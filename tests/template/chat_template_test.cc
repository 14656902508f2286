#include "template/chat_template.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(ChatTemplate::by_name("plain")->end_of_turn(), "");
}

}  // namespace
}  // namespace tandem::templates
