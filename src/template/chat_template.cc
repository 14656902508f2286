#include "template/chat_template.h"

#include <fmt/format.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/model.h"
#include "template/jinja/error.h"
#include "template/jinja/template.h"

namespace tandem::templates {
namespace {

bool has(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

// Templates without a system role (Llama 2, Mistral, Gemma) fold the system prompt into the
// first user turn. Returns the messages without system entries and the joined system text.
std::vector<ChatMessage> fold_system(const std::vector<ChatMessage>& in, std::string& system) {
  std::vector<ChatMessage> out;
  for (const auto& m : in) {
    if (m.role == "system") {
      if (!system.empty()) system += "\n\n";
      system += m.content;
    } else {
      out.push_back(m);
    }
  }
  return out;
}

std::string render_chatml(const std::vector<ChatMessage>& msgs, const ChatRenderOptions& o,
                          bool thinking) {
  std::string s;
  for (const auto& m : msgs) s += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
  if (o.add_generation_prompt) {
    s += "<|im_start|>assistant\n";
    if (thinking && !o.enable_thinking) s += "<think>\n\n</think>\n\n";
  }
  return s;
}

std::string render_llama2(const std::vector<ChatMessage>& in, const std::string& eos,
                          bool mistral) {
  std::string system;
  const auto msgs = fold_system(in, system);
  std::string s;
  bool first_user = true;
  for (const auto& m : msgs) {
    if (m.role == "assistant") {
      s += (mistral ? "" : " ") + m.content + eos;
      continue;
    }
    std::string content = m.content;
    if (first_user && !system.empty())
      content =
          mistral ? system + "\n\n" + content : "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
    first_user = false;
    // Every turn after the first opens with BOS text, as the Jinja source does.
    if (!s.empty()) s += "<s>";
    s += "[INST] " + content + " [/INST]";
  }
  return s;
}

std::string render_llama3(const std::vector<ChatMessage>& msgs, const ChatRenderOptions& o) {
  std::string s;
  for (const auto& m : msgs)
    s += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + m.content + "<|eot_id|>";
  if (o.add_generation_prompt) s += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return s;
}

std::string render_tagged(const std::vector<ChatMessage>& msgs, const ChatRenderOptions& o,
                          const std::string& end) {
  std::string s;
  for (const auto& m : msgs) s += "<|" + m.role + "|>\n" + m.content + end + "\n";
  if (o.add_generation_prompt) s += "<|assistant|>\n";
  return s;
}

// GLM-4 as llama.cpp's built-in CHATGLM_4 renders it: one [gMASK]<sop> prefix, each turn
// "<|role|>\n" + content with no end marker (the next role tag ends it).
std::string render_glm4(const std::vector<ChatMessage>& msgs, const ChatRenderOptions& o) {
  std::string s = "[gMASK]<sop>";
  for (const auto& m : msgs) s += "<|" + m.role + "|>\n" + m.content;
  if (o.add_generation_prompt) s += "<|assistant|>\n";
  return s;
}

std::string render_gemma(const std::vector<ChatMessage>& in, const ChatRenderOptions& o) {
  std::string system;
  const auto msgs = fold_system(in, system);
  std::string s;
  bool first_user = true;
  for (const auto& m : msgs) {
    std::string content = m.content;
    if (m.role == "user" && first_user && !system.empty()) content = system + "\n\n" + content;
    if (m.role == "user") first_user = false;
    const std::string role = m.role == "assistant" ? "model" : m.role;
    s += "<start_of_turn>" + role + "\n" + content + "<end_of_turn>\n";
  }
  if (o.add_generation_prompt) s += "<start_of_turn>model\n";
  return s;
}

// A message as transformers hands it to a template: tool-call arguments as an object (the
// templates iterate or `tojson` them), content None for tool-call-only turns.
nlohmann::ordered_json message_json(const ChatMessage& m) {
  nlohmann::ordered_json j = {{"role", m.role}};
  j["content"] =
      m.null_content ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(m.content);
  if (!m.tool_calls.empty()) {
    auto calls = nlohmann::ordered_json::array();
    for (const auto& c : m.tool_calls) {
      auto args = nlohmann::ordered_json::parse(c.arguments, nullptr, false);
      if (args.is_discarded()) args = c.arguments;
      calls.push_back({{"id", c.id},
                       {"type", "function"},
                       {"function", {{"name", c.name}, {"arguments", std::move(args)}}}});
    }
    j["tool_calls"] = std::move(calls);
  }
  if (!m.tool_call_id.empty()) j["tool_call_id"] = m.tool_call_id;
  if (!m.name.empty()) j["name"] = m.name;
  return j;
}

std::string render_plain(const std::vector<ChatMessage>& msgs, const ChatRenderOptions& o) {
  std::string s;
  for (const auto& m : msgs) s += m.role + ": " + m.content + "\n";
  if (o.add_generation_prompt) s += "assistant:";
  return s;
}

}  // namespace

ChatTemplate ChatTemplate::detect(std::string_view t, std::string eos_text) {
  using K = ChatTemplateKind;
  K kind = K::kPlain;
  // GLM-4's templates also use <|user|>/<|assistant|> tags: the prefix tells them apart.
  if (has(t, "[gMASK]<sop>"))
    kind = K::kGlm4;
  else if (has(t, "<|im_start|>"))
    kind = K::kChatML;
  else if (has(t, "<|start_header_id|>"))
    kind = K::kLlama3;
  else if (has(t, "<start_of_turn>"))
    kind = K::kGemma;
  else if (has(t, "<|assistant|>") && has(t, "<|end|>"))
    kind = K::kPhi3;
  else if (has(t, "<|assistant|>") || has(t, "<|user|>"))
    kind = K::kZephyr;
  else if (has(t, "[INST]") && has(t, "<<SYS>>"))
    kind = K::kLlama2;
  else if (has(t, "[INST]"))
    kind = K::kMistral;
  const bool thinking = kind == K::kChatML && has(t, "enable_thinking");
  return ChatTemplate(kind, thinking, std::move(eos_text));
}

std::optional<ChatTemplate> ChatTemplate::by_name(std::string_view n, std::string eos_text) {
  using K = ChatTemplateKind;
  if (n == "plain") return ChatTemplate(K::kPlain, false, eos_text);
  if (n == "chatml" || n == "qwen") return ChatTemplate(K::kChatML, false, eos_text);
  if (n == "qwen3") return ChatTemplate(K::kChatML, true, eos_text);
  if (n == "llama2") return ChatTemplate(K::kLlama2, false, eos_text);
  if (n == "llama3") return ChatTemplate(K::kLlama3, false, eos_text);
  if (n == "mistral") return ChatTemplate(K::kMistral, false, eos_text);
  if (n == "phi3") return ChatTemplate(K::kPhi3, false, eos_text);
  if (n == "gemma") return ChatTemplate(K::kGemma, false, eos_text);
  if (n == "zephyr") return ChatTemplate(K::kZephyr, false, eos_text);
  if (n == "glm4" || n == "chatglm4") return ChatTemplate(K::kGlm4, false, eos_text);
  return std::nullopt;
}

std::vector<std::string> ChatTemplate::names() {
  return {"plain",   "chatml", "qwen",  "qwen3",  "llama2", "llama3",
          "mistral", "phi3",   "gemma", "zephyr", "glm4"};
}

ChatTemplate ChatTemplate::from_jinja(std::string_view source, std::string bos_text,
                                      std::string eos_text, bool strip_bos, std::string origin) {
  auto parsed = std::make_shared<const Template>(Template::parse(source));
  ChatTemplate t = detect(source, std::move(eos_text));
  t.jinja_ = std::move(parsed);
  t.bos_text_ = std::move(bos_text);
  t.strip_bos_ = strip_bos;
  t.origin_ = std::move(origin);
  t.source_ = std::string(source);
  return t;
}

bool ChatTemplate::supports_tools() const {
  return jinja_ && has(source_, "tools") && has(source_, "tool_calls");
}

std::string ChatTemplate::describe() const {
  if (!jinja_) return name() + " (built-in rendering)";
  return "jinja from " + origin_ + " (family " + family_name() + ")";
}

std::string ChatTemplate::name() const {
  return jinja_ ? "jinja" : family_name();
}

std::string ChatTemplate::family_name() const {
  switch (kind_) {
    case ChatTemplateKind::kChatML:
      return thinking_ ? "qwen3" : "chatml";
    case ChatTemplateKind::kLlama2:
      return "llama2";
    case ChatTemplateKind::kLlama3:
      return "llama3";
    case ChatTemplateKind::kMistral:
      return "mistral";
    case ChatTemplateKind::kPhi3:
      return "phi3";
    case ChatTemplateKind::kGemma:
      return "gemma";
    case ChatTemplateKind::kZephyr:
      return "zephyr";
    case ChatTemplateKind::kGlm4:
      return "glm4";
    case ChatTemplateKind::kPlain:
      break;
  }
  return "plain";
}

std::string ChatTemplate::end_of_turn() const {
  switch (kind_) {
    case ChatTemplateKind::kChatML:
      return "<|im_end|>";
    case ChatTemplateKind::kLlama3:
      return "<|eot_id|>";
    case ChatTemplateKind::kPhi3:
      return "<|end|>";
    case ChatTemplateKind::kGemma:
      return "<end_of_turn>";
    case ChatTemplateKind::kGlm4:
      return "<|user|>";  // GLM-4 ends its turn by opening the user's (an EOG token)
    case ChatTemplateKind::kLlama2:
    case ChatTemplateKind::kMistral:
    case ChatTemplateKind::kZephyr:
      return eos_text_;
    case ChatTemplateKind::kPlain:
      break;
  }
  return "";
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& msgs,
                                 const ChatRenderOptions& o) const {
  if (jinja_) return render_jinja(msgs, o);
  switch (kind_) {
    case ChatTemplateKind::kChatML:
      return render_chatml(msgs, o, thinking_);
    case ChatTemplateKind::kLlama2:
      return render_llama2(msgs, eos_text_, false);
    case ChatTemplateKind::kMistral:
      return render_llama2(msgs, eos_text_, true);
    case ChatTemplateKind::kLlama3:
      return render_llama3(msgs, o);
    case ChatTemplateKind::kPhi3:
      return render_tagged(msgs, o, "<|end|>");
    case ChatTemplateKind::kZephyr:
      return render_tagged(msgs, o, eos_text_);
    case ChatTemplateKind::kGemma:
      return render_gemma(msgs, o);
    case ChatTemplateKind::kGlm4:
      return render_glm4(msgs, o);
    case ChatTemplateKind::kPlain:
      break;
  }
  return render_plain(msgs, o);
}

std::string ChatTemplate::render_jinja(const std::vector<ChatMessage>& msgs,
                                       const ChatRenderOptions& o) const {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  for (const auto& m : msgs) messages.push_back(message_json(m));
  // As transformers' apply_chat_template: tools and documents are None when not given.
  const nlohmann::ordered_json context = {{"messages", std::move(messages)},
                                          {"tools", o.tools},
                                          {"documents", nullptr},
                                          {"add_generation_prompt", o.add_generation_prompt},
                                          {"enable_thinking", o.enable_thinking},
                                          {"bos_token", bos_text_},
                                          {"eos_token", eos_text_}};
  std::string out = jinja_->render(context);
  if (strip_bos_ && !bos_text_.empty() && out.starts_with(bos_text_))
    out.erase(0, bos_text_.size());
  return out;
}

ChatTemplate chat_template_for(const engine::Model& model, const std::string& name) {
  const tokenizer::Tokenizer& tok = model.tokenizer();
  const std::string eos = tok.eos() >= 0 ? tok.token_to_piece(tok.eos(), true) : "</s>";
  const std::string bos = tok.bos() >= 0 ? tok.token_to_piece(tok.bos(), true) : "";
  const bool strip_bos = tok.vocab().add_bos;
  if (name.empty()) {
    const std::string source = model.file().get_string("tokenizer.chat_template", "");
    // A Gemma (Phi-3) model without a template of its own still speaks Gemma's (Phi-3's) turns.
    const std::string& arch = model.config().arch;
    if (source.empty() && (arch == "gemma2" || arch == "gemma3"))
      return *ChatTemplate::by_name("gemma", eos);
    if (source.empty() && arch == "phi3") return *ChatTemplate::by_name("phi3", eos);
    if (source.empty()) return ChatTemplate::detect(source, eos);
    try {
      return ChatTemplate::from_jinja(source, bos, eos, strip_bos, "the model file");
    } catch (const TemplateError& e) {
      const ChatTemplate fallback = ChatTemplate::detect(source, eos);
      std::fprintf(stderr,
                   "warning: the model's chat template does not parse (%s); using the built-in "
                   "%s rendering\n",
                   e.what(), fallback.name().c_str());
      return fallback;
    }
  }
  if (auto t = ChatTemplate::by_name(name, eos)) return *t;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(name, ec))
    throw std::invalid_argument("unknown chat template '" + name + "': neither a built-in name (" +
                                fmt::format("{}", fmt::join(ChatTemplate::names(), ", ")) +
                                ") nor a Jinja file");
  std::ifstream in(name, std::ios::binary);
  const std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return ChatTemplate::from_jinja(source, bos, eos, strip_bos, name);
  } catch (const TemplateError& e) {
    throw std::invalid_argument("chat template " + name + ": " + e.what());
  }
}

std::vector<int32_t> end_of_turn_tokens(const ChatTemplate& t, const tokenizer::Tokenizer& tok) {
  const std::string eot = t.end_of_turn();
  if (eot.empty()) return {};
  auto ids = tok.encode(eot, false, true);
  return ids.size() == 1 ? ids : std::vector<int32_t>{};
}

}  // namespace tandem::templates
