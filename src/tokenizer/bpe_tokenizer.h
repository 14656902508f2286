// Byte-level BPE (tokenizer.ggml.model = "gpt2"), as llama.cpp's llm_tokenizer_bpe: regex
// pre-tokenization, GPT-2 byte -> unicode mapping, merges applied by rank.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_util.h"

namespace tandem::tokenizer {

class BpeTokenizer final : public Tokenizer {
 public:
  // Throws std::invalid_argument for an unknown vocab.pre.
  explicit BpeTokenizer(TokenizerVocab vocab);

  std::vector<TokenId> encode(std::string_view text, bool add_special,
                              bool parse_special) const override;
  std::string token_to_piece(TokenId id, bool render_special = false) const override;

 private:
  void encode_text(std::string_view text, std::vector<TokenId>& out) const;
  void encode_word(const std::string& word, std::vector<TokenId>& out) const;
  TokenId find(std::string_view text) const;
  int rank(std::string_view left, std::string_view right) const;

  PreTokenizer pre_;
  bool ignore_merges_ = false;
  std::unordered_map<std::string_view, TokenId> index_;
  std::unordered_map<std::string, int> ranks_;  // "left right" -> merge rank
  detail::SpecialTokenSplitter specials_;
};

}  // namespace tandem::tokenizer
