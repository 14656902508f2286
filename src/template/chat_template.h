// Renders OpenAI-style chat messages into a model's prompt text. The GGUF carries a Jinja
// template, which our renderer (template/jinja/) runs as transformers would; built-in
// renderings of the common families remain as the fallback for files without a template
// (or with one the renderer cannot parse) and for names given on the command line.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::engine {
class Model;
}
namespace tandem::tokenizer {
class Tokenizer;
}

namespace tandem::templates {

class Template;

enum class ChatTemplateKind {
  kPlain,
  kChatML,
  kLlama2,
  kLlama3,
  kMistral,
  kPhi3,
  kGemma,
  kZephyr,
  kGlm4
};

// An assistant's call of a function (OpenAI's message.tool_calls[i]).
struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text, as OpenAI sends it
};

struct ChatMessage {
  ChatMessage() = default;
  ChatMessage(std::string role, std::string content, std::vector<ToolCall> tool_calls = {},
              std::string tool_call_id = {}, std::string name = {})
      : role(std::move(role)),
        content(std::move(content)),
        tool_calls(std::move(tool_calls)),
        tool_call_id(std::move(tool_call_id)),
        name(std::move(name)) {}

  std::string role;  // system | user | assistant | tool (others are rendered by name)
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant turns that called tools
  std::string tool_call_id;          // role tool: the call this result answers
  std::string name;                  // role tool: the function's name (some templates show it)
  // The message's content was null/absent (an assistant turn with only tool calls); Jinja
  // templates test `content is none`.
  bool null_content = false;
};

struct ChatRenderOptions {
  bool add_generation_prompt = true;
  // Qwen3-style templates: false appends an empty <think></think> block so the model answers
  // directly. Ignored by templates without a thinking mode.
  bool enable_thinking = true;
  // OpenAI `tools` (a JSON array), the template's `tools` variable; null when none.
  nlohmann::ordered_json tools = nullptr;
};

class ChatTemplate {
 public:
  // Recognises the family from the Jinja source (empty -> plain).
  static ChatTemplate detect(std::string_view jinja, std::string eos_text = "</s>");
  // By family name: plain, chatml, qwen, qwen3, llama2, llama3, mistral, phi3, gemma, zephyr,
  // glm4 (alias chatglm4).
  // Returns nullopt for an unknown name.
  static std::optional<ChatTemplate> by_name(std::string_view name, std::string eos_text = "</s>");
  static std::vector<std::string> names();

  // A Jinja chat template (throws ParseError). bos/eos texts are the template's bos_token
  // and eos_token; with `strip_bos` a leading bos_token is removed from the rendering, since
  // the tokenizer adds BOS itself (as llama.cpp does). `origin` says where the text came
  // from, for logs ("the model file", a path). The family is still recognised from the text,
  // for the end-of-turn marker and the thinking mode.
  static ChatTemplate from_jinja(std::string_view source, std::string bos_text,
                                 std::string eos_text, bool strip_bos, std::string origin);

  ChatTemplate(ChatTemplateKind kind, bool thinking, std::string eos_text)
      : kind_(kind), thinking_(thinking), eos_text_(std::move(eos_text)) {}

  // The prompt text (no BOS: encode with add_special so the vocab decides). Control markers
  // are literal text; encode with parse_special so they become their tokens. A Jinja
  // template that refuses the messages (raise_exception, say roles that do not alternate)
  // throws TemplateError (template/jinja/error.h).
  std::string render(const std::vector<ChatMessage>& messages,
                     const ChatRenderOptions& opts = {}) const;

  ChatTemplateKind kind() const { return kind_; }
  bool supports_thinking() const { return thinking_; }
  bool is_jinja() const { return jinja_ != nullptr; }
  // The Jinja source (empty for built-ins); tool-call formats are recognised from it.
  const std::string& source() const { return source_; }
  // Whether the template itself renders `tools` and tool turns (a Jinja template that
  // mentions them); otherwise callers describe tools in the messages.
  bool supports_tools() const;
  // The family name (for built-ins) or "jinja"; describe() adds where it came from.
  std::string name() const;
  std::string describe() const;
  // The text that ends an assistant turn (e.g. "<|im_end|>"); empty for plain.
  std::string end_of_turn() const;

 private:
  std::string render_jinja(const std::vector<ChatMessage>& messages,
                           const ChatRenderOptions& opts) const;
  // The recognised family's name, whatever renders it.
  std::string family_name() const;

  ChatTemplateKind kind_;
  bool thinking_;  // template has a Qwen3-style <think> mode
  std::string eos_text_;
  std::shared_ptr<const Template> jinja_;  // null: a built-in rendering
  std::string bos_text_;
  bool strip_bos_ = false;
  std::string origin_;
  std::string source_;
};

// The template a server renders chats with. `name`: a built-in family name, or the path of a
// Jinja file (std::invalid_argument if neither, or if the file does not parse). Empty: the
// file's tokenizer.chat_template through the Jinja renderer; if the file has none, or it
// does not parse (logged to stderr), the built-in rendering of the family recognised in it.
// The model's BOS/EOS texts fill bos_token/eos_token.
ChatTemplate chat_template_for(const engine::Model& model, const std::string& name);

// The template's end-of-turn marker as a token list when it is a single token (generation
// then stops on it even where the vocabulary does not flag it as end-of-generation), else
// empty.
std::vector<int32_t> end_of_turn_tokens(const ChatTemplate& t, const tokenizer::Tokenizer& tok);

}  // namespace tandem::templates
