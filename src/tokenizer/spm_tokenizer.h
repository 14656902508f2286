// SentencePiece-style BPE (tokenizer.ggml.model = "llama"), as llama.cpp's llm_tokenizer_spm:
// score-driven merges of adjacent symbols, spaces as U+2581, <0xXX> byte fallback.
#pragma once

#include <array>
#include <string_view>
#include <unordered_map>

#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_util.h"

namespace tandem::tokenizer {

class SpmTokenizer final : public Tokenizer {
 public:
  // Works from any TokenizerVocab (GGUF or converted llama2.c); normalizes it first.
  explicit SpmTokenizer(TokenizerVocab vocab);

  std::vector<TokenId> encode(std::string_view text, bool add_special,
                              bool parse_special) const override;
  std::string token_to_piece(TokenId id, bool render_special = false) const override;

 private:
  // Tokenizes text whose spaces are already escaped to U+2581.
  void encode_escaped(std::string_view text, std::vector<TokenId>& out) const;
  TokenId find(std::string_view text) const;

  std::unordered_map<std::string_view, TokenId> index_;
  std::array<TokenId, 256> byte_tokens_{};
  detail::SpecialTokenSplitter specials_;
};

}  // namespace tandem::tokenizer
