// Pieces shared by the SPM and BPE tokenizers: vocab clean-up and special-token splitting.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace tandem::tokenizer::detail {

// Fills in what a vocab may leave out (types, scores) and applies llama.cpp's load-time
// fix-ups: end-of-generation and FIM tokens found by their text become CONTROL, empty token
// texts become "[EMPTY_i]". Throws std::invalid_argument on inconsistent sizes.
TokenizerVocab normalize_vocab(TokenizerVocab vocab);

// Whether llama.cpp would treat this token text as ending generation.
bool is_eog_text(std::string_view text);

// Text -> id, keyed by views into the vocab's token strings (the vocab must outlive it).
// Throws std::invalid_argument on a duplicate token text, as llama.cpp does.
std::unordered_map<std::string_view, TokenId> build_token_index(const TokenizerVocab& vocab);

// A piece of input: either raw text still to tokenize or an already-identified token.
struct Fragment {
  TokenId token = -1;  // >= 0: a special token
  std::string_view text;
};

// llama.cpp's tokenizer_st_partition: cuts the text at occurrences of special tokens,
// longest token text first. User-defined tokens always split; control and unknown tokens
// only when parse_special is set.
class SpecialTokenSplitter {
 public:
  explicit SpecialTokenSplitter(const TokenizerVocab& vocab);
  std::vector<Fragment> split(std::string_view text, bool parse_special) const;

 private:
  struct Special {
    TokenId id;
    std::string text;
    bool needs_parse_special;
  };
  std::vector<Special> specials_;
};

}  // namespace tandem::tokenizer::detail
