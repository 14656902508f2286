#include "grammar/stacks.h"

#include <algorithm>

namespace tandem::grammar {
namespace {

// Expands references at the top of `stack` until every resulting stack has a character
// element on top (or is empty). Terminates because left recursion was rejected.
void expand(const Grammar& g, Stack& stack, StackSet& out) {
  if (stack.empty() || g.at(stack.back()).kind == ElemKind::kChar) {
    if (out.size() >= kMaxLiveStacks) {
      throw StackLimitError("grammar too ambiguous: more than " + std::to_string(kMaxLiveStacks) +
                            " live parse stacks");
    }
    out.push_back(stack);
    return;
  }
  const uint32_t pos = stack.back();
  const uint32_t rule = g.at(pos).arg;
  stack.pop_back();
  // Continuation after the reference; skipped at the end of an alternative (tail call), which
  // keeps right-recursive repetition from growing the stack.
  const bool has_next = g.at(pos + 1).kind != ElemKind::kEnd;
  if (has_next) stack.push_back(pos + 1);
  for (uint32_t alt : g.alternatives(rule)) {
    const bool non_empty = g.at(alt).kind != ElemKind::kEnd;
    if (non_empty) stack.push_back(alt);
    expand(g, stack, out);
    if (non_empty) stack.pop_back();
  }
  if (has_next) stack.pop_back();
  stack.push_back(pos);
}

void normalize(StackSet& set) {
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
}

}  // namespace

StackSet initial_stacks(const Grammar& g) {
  StackSet out;
  Stack stack;
  for (uint32_t alt : g.alternatives(g.root())) {
    stack.clear();
    if (g.at(alt).kind != ElemKind::kEnd) stack.push_back(alt);
    expand(g, stack, out);
  }
  normalize(out);
  return out;
}

StackSet advance_stacks(const Grammar& g, const StackSet& stacks, uint32_t cp) {
  StackSet out;
  Stack next;
  for (const Stack& stack : stacks) {
    if (stack.empty()) continue;
    const uint32_t pos = stack.back();
    if (!g.char_class(g.at(pos).arg).contains(cp)) continue;
    next.assign(stack.begin(), stack.end() - 1);
    if (g.at(pos + 1).kind != ElemKind::kEnd) next.push_back(pos + 1);
    expand(g, next, out);
  }
  normalize(out);
  return out;
}

bool any_complete(const StackSet& stacks) {
  return std::any_of(stacks.begin(), stacks.end(), [](const Stack& s) { return s.empty(); });
}

bool can_match_range(const Grammar& g, const StackSet& stacks, uint32_t lo, uint32_t hi) {
  return std::any_of(stacks.begin(), stacks.end(), [&](const Stack& s) {
    return !s.empty() && g.char_class(g.at(s.back()).arg).intersects(lo, hi);
  });
}

}  // namespace tandem::grammar
