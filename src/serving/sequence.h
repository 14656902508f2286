// One generation request as the scheduler sees it, and the channel its tokens travel back
// on: the scheduler thread produces, one HTTP handler thread consumes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cache/cache_directive.h"
#include "engine/logits_processor.h"
#include "engine/sampler.h"
#include "serving/prompt_media.h"

namespace tandem::serving {

using tokenizer::TokenId;

struct SeqRequest {
  std::vector<TokenId> prompt;
  // Embedding rows behind the prompt's negative placeholder ids (images, audio).
  std::vector<PromptMedia> media;
  engine::SamplerParams sampling;
  int64_t max_tokens = -1;           // < 0: until end of generation or a full context
  int32_t top_logprobs = -1;         // < 0: no log-probabilities for generated tokens
  bool prompt_logprobs = false;      // log-probabilities of prompt tokens 1..n-1
  std::vector<TokenId> stop_tokens;  // extra end-of-turn tokens besides the vocab's EOG set
  bool ignore_eos = false;           // generate max_tokens regardless (benchmarks)
  // Sum the prompt's next-token NLL (tokens 1..n-1, double precision: the routing
  // perplexity) from the prefill's logits.
  bool score_prompt = false;
  // Stop after the prefill, the slot keeping its cache and last logits, until
  // Scheduler::resume() says how to generate (or cancel() frees it): a decision taken on the
  // prefill (routing) is followed by a generation that does not prefill again.
  bool hold_after_prefill = false;
  // Masks this sequence's logits before each draw (structured output); null: none, and
  // the decode path does no extra work.
  std::unique_ptr<engine::LogitsProcessor> processor;
  // extra_body.cache: a named prompt state to reuse or store (the feature cache).
  cache::CacheDirective cache;
};

struct TokenLogprob {
  TokenId id = -1;
  float logprob = 0;
  std::vector<std::pair<TokenId, float>> top;  // most likely alternatives, best first
};

enum class FinishReason { kNone, kStop, kLength, kCancelled, kError };

// How far a sequence's prompt prefill is: llama-server's prompt_progress (return_progress).
struct PrefillProgress {
  int64_t total = 0;      // prompt tokens (0: not admitted yet)
  int64_t cache = 0;      // of which reused from a slot's cache (not prefilled)
  int64_t processed = 0;  // prompt tokens in the cache so far, cached ones included
  int64_t time_ms = 0;    // since admission
  bool done() const { return total > 0 && processed >= total; }
};

// What a held prefill yields (SeqRequest::score_prompt).
struct PromptScore {
  double nll_sum = 0;    // of tokens 1..n-1
  int64_t n_scored = 0;  // n - 1 when scored, else 0
};

class SeqStream {
 public:
  struct Update {
    std::vector<TokenLogprob> tokens;
    FinishReason finish = FinishReason::kNone;
    std::string error;
  };

  // Consumer: blocks until new tokens or the end; returns what arrived since the last call.
  Update next();
  // Consumer: ask the scheduler to stop this sequence (client gone, stop string hit).
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }
  // Valid once the first update arrived: entry i is the log-probability of prompt token i+1.
  std::vector<TokenLogprob> prompt_logprobs() const;
  // A held request (SeqRequest::hold_after_prefill): blocks until its prefill is done;
  // nullopt when the sequence ended first (error, shutdown; see next()).
  std::optional<PromptScore> wait_prefilled();
  // Prompt tokens whose KV came from a slot's cache (not prefilled again); set on admission.
  int64_t cached_tokens() const { return cached_tokens_; }
  PrefillProgress prefill_progress() const;
  // Consumer: blocks until the prefill has processed more than `seen` tokens, or tokens, a
  // held prefill's end or the finish arrived (then done() or the next() call tells).
  PrefillProgress wait_prefill_progress(int64_t seen);

  // Producer side.
  void push(TokenLogprob t);
  void set_prompt_logprobs(std::vector<TokenLogprob> lp);
  void set_prefilled(PromptScore score);
  void finish(FinishReason r, std::string error = "");
  void set_cached_tokens(int64_t n) { cached_tokens_ = n; }
  // Admission (total, cached) and each prefilled chunk (the scheduler, per step).
  void set_prefill_progress(int64_t total, int64_t processed);

  const std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<TokenLogprob> pending_;
  std::vector<TokenLogprob> prompt_lp_;
  std::optional<PromptScore> prefilled_;
  PrefillProgress progress_;
  std::chrono::steady_clock::time_point admitted_;
  FinishReason finish_ = FinishReason::kNone;
  std::string error_;
  std::atomic<bool> cancelled_{false};
  std::atomic<int64_t> cached_tokens_{0};
};

}  // namespace tandem::serving
