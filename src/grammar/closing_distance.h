// How close a parse is to a complete sentence: the fewest code points that finish it.
//
// Lets constrained decoding respect a token budget (max_tokens, the context): a token is
// allowed only if what remains can still be closed in the tokens left, so a JSON answer ends
// as `{"a": "..."}` instead of being cut off mid-string. Counted in code points, which is a
// token count wherever the vocabulary has single-character tokens for the closing characters
// (byte-fallback and byte-level vocabularies do for every character).
#pragma once

#include <cstdint>
#include <vector>

#include "grammar/grammar.h"
#include "grammar/stacks.h"

namespace tandem::grammar {

class ClosingDistance {
 public:
  // No finite completion (a rule that only recurses); saturates rather than overflows.
  static constexpr uint32_t kInfinite = UINT32_MAX / 4;

  explicit ClosingDistance(const Grammar& g);

  // Shortest completion of the rule's sentences.
  uint32_t rule(uint32_t rule) const { return rule_min_[rule]; }
  // Shortest completion over all live stacks; 0 when some stack is complete.
  uint32_t of(const StackSet& stacks) const;
  uint32_t of(const Stack& stack) const;

 private:
  std::vector<uint32_t> rule_min_;
  std::vector<uint32_t> suffix_min_;  // per element position: to the end of its alternative
};

}  // namespace tandem::grammar
