#include "grammar/closing_distance.h"

#include <algorithm>

namespace tandem::grammar {
namespace {

uint32_t add(uint32_t a, uint32_t b) {
  return std::min(a + b, ClosingDistance::kInfinite);
}

}  // namespace

ClosingDistance::ClosingDistance(const Grammar& g)
    : rule_min_(g.rule_count(), kInfinite), suffix_min_(g.element_count(), 0) {
  // Suffix costs under the current rule estimates, swept backwards over the element array
  // (each alternative is a contiguous run ending in kEnd).
  auto sweep = [&] {
    for (size_t p = g.element_count(); p-- > 0;) {
      const Element& e = g.at(static_cast<uint32_t>(p));
      if (e.kind == ElemKind::kEnd) {
        suffix_min_[p] = 0;
        continue;
      }
      const uint32_t cost = e.kind == ElemKind::kChar ? 1 : rule_min_[e.arg];
      suffix_min_[p] = add(cost, suffix_min_[p + 1]);
    }
  };
  // Fixpoint: estimates only fall, and each pass settles at least one more rule.
  for (bool changed = true; changed;) {
    changed = false;
    sweep();
    for (uint32_t r = 0; r < g.rule_count(); ++r) {
      uint32_t best = kInfinite;
      for (uint32_t alt : g.alternatives(r)) best = std::min(best, suffix_min_[alt]);
      if (best < rule_min_[r]) {
        rule_min_[r] = best;
        changed = true;
      }
    }
  }
}

uint32_t ClosingDistance::of(const Stack& stack) const {
  uint32_t d = 0;
  for (uint32_t pos : stack) d = add(d, suffix_min_[pos]);
  return d;
}

uint32_t ClosingDistance::of(const StackSet& stacks) const {
  uint32_t best = kInfinite;
  for (const Stack& s : stacks) best = std::min(best, of(s));
  return best;
}

}  // namespace tandem::grammar
