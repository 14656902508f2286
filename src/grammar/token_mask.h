// Logits-processor core: which tokens of a vocabulary may come next under a grammar.
//
// The mask walks the vocabulary trie once per step, carrying the automaton state (and any
// UTF-8 sequence left pending by the previous token) down each edge. Dead transitions drop
// whole subtrees; subtrees whose bytes all loop back to the current state (string bodies,
// digit runs, whitespace) are accepted without descending. The result is assembled by
// writing only the minority side (accepted or rejected) into a pre-filled bitset.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "grammar/automaton.h"
#include "grammar/closing_distance.h"
#include "grammar/matcher.h"
#include "grammar/token_bitset.h"
#include "grammar/vocab_index.h"

namespace tandem::grammar {

class TokenMask {
 public:
  TokenMask(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const VocabIndex> vocab);

  // Allowed tokens for the matcher's current state (bit i = token id i). EOG tokens are
  // allowed only when the input so far is complete. With `max_distance`, a token is allowed
  // only if the parse after it can be completed in at most that many code points
  // (ClosingDistance). Not thread-safe (caches transitions).
  void compute(const Matcher& matcher, TokenBitset& out,
               uint32_t max_distance = ClosingDistance::kInfinite);
  TokenBitset compute(const Matcher& matcher) {
    TokenBitset out(vocab_->size());
    compute(matcher, out);
    return out;
  }

  // Advances `matcher` by token `id`. Returns false and leaves it unchanged if the token is
  // not allowed. An EOG token is accepted (without changing state) only when complete.
  bool accept_token(Matcher& matcher, int32_t id) const;

  const VocabIndex& vocab() const { return *vocab_; }
  size_t cached_states() const { return automaton_.state_count(); }

 private:
  using Range = std::pair<uint32_t, uint32_t>;
  void visit(uint32_t node, int32_t state, Utf8Partial partial);
  bool within(int32_t state) { return automaton_.distance(state) <= max_distance_; }
  static void add(std::vector<Range>& ranges, uint32_t begin, uint32_t end);

  std::shared_ptr<const Grammar> grammar_;
  std::shared_ptr<const VocabIndex> vocab_;
  Automaton automaton_;
  std::vector<Range> accepted_;
  std::vector<Range> rejected_;
  uint32_t max_distance_ = ClosingDistance::kInfinite;
};

}  // namespace tandem::grammar
