// Lazily built DFA over parse-stack sets. Each distinct stack set seen while computing masks
// is interned once and its transitions are memoized, so repeated mask computations walk
// cached tables instead of re-running stack expansion for every vocabulary byte.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "grammar/closing_distance.h"
#include "grammar/grammar.h"
#include "grammar/stacks.h"
#include "grammar/utf8.h"

namespace tandem::grammar {

class Automaton {
 public:
  static constexpr int32_t kDead = 0;

  explicit Automaton(std::shared_ptr<const Grammar> grammar, size_t max_states = 1 << 15);

  int32_t intern(const StackSet& stacks);
  // Memoized transition on a complete code point; kDead when rejected (or too ambiguous).
  int32_t next(int32_t s, uint32_t cp);
  bool accepting(int32_t s) const { return states_[s].accepting; }
  // Fewest code points that complete the parse from state s (memoized).
  uint32_t distance(int32_t s);
  // Whether a pending multi-byte sequence can still complete to an accepted code point.
  bool pending_viable(int32_t s, const Utf8Partial& p) const;
  // Whether every byte string of at most `length` bytes drawn from `ascii` (plus valid
  // non-ASCII sequences if `non_ascii`) keeps the automaton alive from state s. True when
  // each step moves all those bytes to one common successor: a self-loop (string bodies,
  // digit runs) or a counted chain (char{0,40}). Lets the token mask accept whole subtrees.
  // With `max_distance`, every state on the way must also stay within it.
  bool accepts_all(int32_t s, const std::array<uint64_t, 2>& ascii, bool non_ascii, uint32_t length,
                   uint32_t max_distance = ClosingDistance::kInfinite);
  // Drops the cache when it outgrows its budget. Invalidates state ids, so call it only
  // between mask computations.
  void trim();
  size_t state_count() const { return states_.size(); }

 private:
  struct Hash {
    size_t operator()(const StackSet& set) const;
  };
  struct State {
    const StackSet* stacks;  // key inside interned_, stable across rehashing
    bool accepting = false;
    bool uniform = true;   // all top classes treat non-ASCII alike
    bool any_all = false;  // some top class accepts every non-ASCII code point
    bool dominant_known = false;
    bool dominant_non_ascii = false;  // non-ASCII code points also go to `dominant`
    int32_t dominant = kDead;         // successor shared by the most ASCII bytes
    std::array<uint64_t, 2> dominant_bytes{};
    int32_t non_ascii_next = -1;
    uint32_t distance = kUnknownDistance;
    std::vector<uint32_t> tops;  // top class per stack; kNoClass for a finished stack
    // Code points accepted by the same stacks lead to the same state, so transitions are
    // computed once per acceptance signature (bit i = stack i accepts).
    std::vector<std::pair<uint64_t, int32_t>> by_signature;
    std::array<int32_t, 128> ascii;
  };
  static constexpr uint32_t kNoClass = ~uint32_t{0};
  static constexpr uint32_t kUnknownDistance = ~uint32_t{0};
  static constexpr uint64_t kNoSignature = ~uint64_t{0};
  uint64_t signature(const State& st, uint32_t cp) const;
  int32_t compute(int32_t s, uint32_t cp);
  void find_dominant(int32_t s);

  std::shared_ptr<const Grammar> grammar_;
  ClosingDistance closing_;
  size_t max_states_;
  std::unordered_map<StackSet, int32_t, Hash> interned_;
  std::vector<State> states_;
  std::unordered_map<uint64_t, int32_t> mixed_;  // non-ASCII transitions of non-uniform states
};

}  // namespace tandem::grammar
