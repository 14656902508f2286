// Runs one greedy request through a serving::Scheduler to its end (the scheduler tests).
#pragma once

#include <vector>

#include "serving/scheduler.h"

namespace tandem::test {

struct SchedulerRun {
  std::vector<serving::TokenId> ids;
  int64_t cached = 0;  // prompt tokens reused from a cache
  serving::PromptScore score;
};

// score: the prompt is scored in a held prefill, then resumed for the answer.
inline SchedulerRun run_greedy(serving::Scheduler& s, const std::vector<serving::TokenId>& prompt,
                               int64_t max_tokens, bool score = false,
                               cache::CacheDirective cache = {}) {
  serving::SeqRequest r;
  r.prompt = prompt;
  r.sampling.temperature = 0;
  r.max_tokens = max_tokens;
  r.score_prompt = score;
  r.hold_after_prefill = score;
  r.cache = std::move(cache);
  auto st = s.submit(std::move(r));
  SchedulerRun out;
  if (score) {
    out.score = *st->wait_prefilled();
    serving::SeqRequest how;
    how.sampling.temperature = 0;
    how.max_tokens = max_tokens;
    s.resume(st, std::move(how));
  }
  for (;;) {
    auto u = st->next();
    for (auto& t : u.tokens) out.ids.push_back(t.id);
    if (u.finish != serving::FinishReason::kNone) break;
  }
  out.cached = st->cached_tokens();
  return out;
}

}  // namespace tandem::test
