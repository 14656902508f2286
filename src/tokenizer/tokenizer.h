// Text <-> token ids, driven by the tokenizer.ggml.* metadata of a GGUF file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::model {
class GgufFile;
}

namespace tandem::tokenizer {

using TokenId = int32_t;

// llama.cpp's token attribute kinds (tokenizer.ggml.token_type).
enum class TokenType : int32_t {
  UNDEFINED = 0,
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  USER_DEFINED = 4,
  UNUSED = 5,
  BYTE = 6,
};

// Everything a tokenizer needs, independent of where it was read from.
struct TokenizerVocab {
  std::string model = "llama";  // "llama" (SentencePiece BPE) or "gpt2" (byte-level BPE)
  std::string pre = "default";  // tokenizer.ggml.pre
  std::vector<std::string> tokens;
  std::vector<float> scores;        // may be empty for gpt2
  std::vector<TokenType> types;     // empty means all NORMAL
  std::vector<std::string> merges;  // "a b" pairs, gpt2 only
  TokenId bos = -1, eos = -1, unk = -1, pad = -1;
  bool add_bos = true;
  bool add_eos = false;
  bool add_space_prefix = true;  // SentencePiece: prepend a space (tokenizer.ggml.add_space_prefix)
};

// Reads tokenizer.ggml.* keys; throws model::ModelFileError naming the file on bad metadata.
TokenizerVocab vocab_from_gguf(const model::GgufFile& file);

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // add_special: prepend BOS / append EOS as the vocab's add_bos/add_eos flags say.
  // parse_special: text like "<s>" or "<|im_start|>" becomes its control token.
  virtual std::vector<TokenId> encode(std::string_view text, bool add_special,
                                      bool parse_special) const = 0;
  // Raw bytes of one token as it appears in text (byte tokens give their byte; control
  // tokens give "" unless render_special). May be a partial UTF-8 sequence.
  virtual std::string token_to_piece(TokenId id, bool render_special = false) const = 0;

  const TokenizerVocab& vocab() const { return vocab_; }
  int32_t n_vocab() const { return static_cast<int32_t>(vocab_.tokens.size()); }
  TokenId bos() const { return vocab_.bos; }
  TokenId eos() const { return vocab_.eos; }
  // Whether texts start with BOS (tokenizer.ggml.add_bos_token, else the vocab type's
  // default): GPT-2-style vocabularies usually do not, and their chunks must not get one.
  bool adds_bos() const { return vocab_.add_bos && vocab_.bos >= 0; }
  bool is_eog(TokenId id) const;  // end of generation: EOS, EOT and similar control tokens

  std::string decode(const std::vector<TokenId>& ids, bool render_special = false) const;

  static std::unique_ptr<Tokenizer> create(TokenizerVocab vocab);

 protected:
  explicit Tokenizer(TokenizerVocab vocab) : vocab_(std::move(vocab)) {}
  TokenizerVocab vocab_;
};

// Turns a stream of token pieces into text that is always valid UTF-8: bytes of an
// incomplete sequence are held back until the sequence completes.
class Utf8StreamDecoder {
 public:
  std::string push(std::string_view piece);  // returns the text that became complete
  std::string flush();                       // whatever remains (invalid bytes -> U+FFFD)

 private:
  std::string pending_;
};

}  // namespace tandem::tokenizer
