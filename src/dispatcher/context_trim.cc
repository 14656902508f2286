#include "dispatcher/context_trim.h"

#include <algorithm>

#include "dispatcher/offload.h"

namespace tandem::dispatcher {

using templates::ChatMessage;

std::string_view context_overflow_name(ContextOverflow p) {
  switch (p) {
    case ContextOverflow::kOffload:
      return "offload";
    case ContextOverflow::kTrim:
      return "trim";
    case ContextOverflow::kError:
      return "error";
  }
  return "offload";
}

std::optional<ContextOverflow> parse_context_overflow(std::string_view name) {
  for (auto p : {ContextOverflow::kOffload, ContextOverflow::kTrim, ContextOverflow::kError})
    if (name == context_overflow_name(p)) return p;
  return std::nullopt;
}

namespace {

bool always_kept(const ChatMessage& m) {
  return m.role == "system" || m.role == "developer";
}

}  // namespace

std::vector<std::vector<size_t>> droppable_turns(const std::vector<ChatMessage>& m) {
  size_t last_user = m.size();
  for (size_t i = m.size(); i-- > 0;)
    if (m[i].role == "user") {
      last_user = i;
      break;
    }
  std::vector<std::vector<size_t>> turns;
  if (last_user == m.size()) return turns;  // no user message: nothing is an earlier turn
  for (size_t i = 0; i < last_user; ++i) {
    if (always_kept(m[i])) continue;
    if (m[i].role == "user" || turns.empty()) turns.emplace_back();
    turns.back().push_back(i);
  }
  return turns;
}

int64_t answer_reserve(int64_t max_tokens, int64_t edge_max_tokens, int64_t n_ctx) {
  int64_t r = edge_answer_tokens(max_tokens, edge_max_tokens);
  if (r < 0) r = n_ctx / 8;
  return std::max<int64_t>(1, std::min(r, n_ctx / 2));
}

TrimmedChat trim_to_fit(const std::vector<ChatMessage>& messages,
                        const std::function<bool(const std::vector<ChatMessage>&)>& fits,
                        int64_t step_weight,
                        const std::function<int64_t(const ChatMessage&)>& weight) {
  const auto turns = droppable_turns(messages);
  // The conversation without its first k droppable turns.
  auto without = [&](size_t k) {
    std::vector<bool> drop(messages.size(), false);
    for (size_t t = 0; t < k; ++t)
      for (size_t i : turns[t]) drop[i] = true;
    TrimmedChat out;
    out.turns_dropped = k;
    for (size_t i = 0; i < messages.size(); ++i) {
      if (drop[i])
        ++out.dropped;
      else
        out.messages.push_back(messages[i]);
    }
    return out;
  };
  TrimmedChat all = without(turns.size());
  if (!fits(all.messages)) return all;  // fits stays false
  all.fits = true;
  // The fewest turns to drop: fits(without(hi)) holds, fits(without(lo)) does not (lo = -1:
  // not tried; the caller asks only when the whole chat does not fit, but it costs one call).
  size_t lo = 0, hi = turns.size();
  if (fits(messages)) hi = 0;
  while (hi > lo + 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (fits(without(mid).messages))
      hi = mid;
    else
      lo = mid;
  }
  size_t k = hi;
  if (k > 0 && step_weight > 0 && weight) {
    // Round up to the next step boundary, if there is one before the end.
    int64_t acc = 0;
    for (size_t t = 0; t < turns.size(); ++t) {
      for (size_t i : turns[t]) acc += weight(messages[i]);
      if (acc >= step_weight) {
        acc = 0;
        if (t + 1 >= k) {
          k = t + 1;
          break;
        }
      }
    }
  }
  if (k == turns.size()) return all;
  TrimmedChat out = without(k);
  out.fits = true;
  return out;
}

}  // namespace tandem::dispatcher
