// A prompt's tokens grouped into the units prompt compression keeps or drops: whole words (a
// run of tokens between whitespace boundaries in the decoded text, with the whitespace before
// a word attached to it), and which units must never be dropped: a privacy placeholder
// (<PHONE_1>, as privacy::Masker writes them), a fenced code block (``` … ```), a special
// (control) token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace tandem::compress {

struct WordUnit {
  size_t begin = 0;  // token index, inclusive
  size_t end = 0;    // token index, exclusive
  bool protect = false;
  size_t size() const { return end - begin; }
};

// Byte ranges [first, second) of `text` that compression keeps whole: every placeholder
// <TYPE_N> (TYPE upper-case letters/underscores, N digits) and, with protect_code, every
// fenced code block from its opening ``` to the end of its closing ``` (an unclosed fence:
// to the end of the text).
std::vector<std::pair<size_t, size_t>> protected_spans(std::string_view text, bool protect_code);

// The tokens' pieces (each token's bytes as it appears in text) and whether each is a special
// (control) token, grouped into word units in token order; a unit is protected when it is
// special or overlaps a protected span of the pieces' concatenation.
std::vector<WordUnit> word_units(std::span<const std::string> pieces,
                                 std::span<const uint8_t> special, bool protect_code);

// The same, reading pieces and token types from the tokenizer.
std::vector<WordUnit> word_units(const tokenizer::Tokenizer& tok,
                                 std::span<const tokenizer::TokenId> tokens, bool protect_code);

}  // namespace tandem::compress
