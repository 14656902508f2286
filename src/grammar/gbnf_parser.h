// Parser for llama.cpp's GBNF dialect (grammars/README.md in llama.cpp).
#pragma once

#include <memory>
#include <string_view>

#include "grammar/grammar.h"

namespace tandem::grammar {

// Limits that keep pathological grammar text from exhausting stack or memory.
struct ParseLimits {
  int max_nesting = 200;              // parenthesis depth
  size_t max_repetition_work = 2000;  // elements repeated x count, llama.cpp's threshold
};

// Parses GBNF text. Throws GrammarError("line:column: ...") on syntax errors, undefined
// rules, missing root and left recursion.
Grammar parse_gbnf(std::string_view text, const ParseLimits& limits = {});

inline std::shared_ptr<const Grammar> parse_gbnf_shared(std::string_view text) {
  return std::make_shared<const Grammar>(parse_gbnf(text));
}

}  // namespace tandem::grammar
