// Renders OpenAI-style chat messages into a model's prompt text. The GGUF carries a Jinja
// template; rather than a Jinja engine we recognise the common families by their text and
// render them natively, falling back to a plain "role: content" transcript.
#pragma once

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

enum class ChatTemplateKind { kPlain, kChatML, kLlama2, kLlama3, kMistral, kPhi3, kGemma, kZephyr };

struct ChatMessage {
  std::string role;  // system | user | assistant (others are rendered by name)
  std::string content;
};

struct ChatRenderOptions {
  bool add_generation_prompt = true;
  // Qwen3-style templates: false appends an empty <think></think> block so the model answers
  // directly. Ignored by templates without a thinking mode.
  bool enable_thinking = true;
};

class ChatTemplate {
 public:
  // Recognises the family from the Jinja source (empty -> plain).
  static ChatTemplate detect(std::string_view jinja, std::string eos_text = "</s>");
  // By family name: plain, chatml, qwen, qwen3, llama2, llama3, mistral, phi3, gemma, zephyr.
  // Returns nullopt for an unknown name.
  static std::optional<ChatTemplate> by_name(std::string_view name, std::string eos_text = "</s>");
  static std::vector<std::string> names();

  ChatTemplate(ChatTemplateKind kind, bool thinking, std::string eos_text)
      : kind_(kind), thinking_(thinking), eos_text_(std::move(eos_text)) {}

  // The prompt text (no BOS: encode with add_special so the vocab decides). Control markers
  // are literal text; encode with parse_special so they become their tokens.
  std::string render(const std::vector<ChatMessage>& messages,
                     const ChatRenderOptions& opts = {}) const;

  ChatTemplateKind kind() const { return kind_; }
  bool supports_thinking() const { return thinking_; }
  std::string name() const;
  // The text that ends an assistant turn (e.g. "<|im_end|>"); empty for plain.
  std::string end_of_turn() const;

 private:
  ChatTemplateKind kind_;
  bool thinking_;  // template has a Qwen3-style <think> mode
  std::string eos_text_;
};

// The template a server renders chats with: `name` when given (std::invalid_argument if
// unknown), else the family recognised in the file's tokenizer.chat_template; the model's
// EOS text closes turns where the family uses it.
ChatTemplate chat_template_for(const engine::Model& model, const std::string& name);

// The template's end-of-turn marker as a token list when it is a single token (generation
// then stops on it even where the vocabulary does not flag it as end-of-generation), else
// empty.
std::vector<int32_t> end_of_turn_tokens(const ChatTemplate& t, const tokenizer::Tokenizer& tok);

}  // namespace tandem::templates
