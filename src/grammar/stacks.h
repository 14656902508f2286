// llama.cpp-style parse stacks: each stack is a list of positions in the grammar's element
// array (top = back) whose top is always a character element; an empty stack means the
// input so far is a complete sentence. A set of stacks tracks every live parse, so
// ambiguous grammars are handled, with a cap on how many parses may be live.
#pragma once

#include <cstdint>
#include <vector>

#include "grammar/grammar.h"

namespace tandem::grammar {

using Stack = std::vector<uint32_t>;
using StackSet = std::vector<Stack>;  // sorted and unique, so equal states compare equal

// Thrown when ambiguity would need more live stacks than allowed.
class StackLimitError : public GrammarError {
 public:
  using GrammarError::GrammarError;
};

inline constexpr size_t kMaxLiveStacks = 4096;

StackSet initial_stacks(const Grammar& g);
// Stacks after consuming code point `cp`; empty result means the input was rejected.
StackSet advance_stacks(const Grammar& g, const StackSet& stacks, uint32_t cp);
bool any_complete(const StackSet& stacks);
// Whether some stack can consume a code point in [lo, hi] (for pending UTF-8 sequences).
bool can_match_range(const Grammar& g, const StackSet& stacks, uint32_t lo, uint32_t hi);

}  // namespace tandem::grammar
