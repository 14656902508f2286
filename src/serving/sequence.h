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

#include "engine/logits_processor.h"
#include "engine/sampler.h"

namespace tandem::serving {

using tokenizer::TokenId;

struct SeqRequest {
  std::vector<TokenId> prompt;
  engine::SamplerParams sampling;
  int64_t max_tokens = -1;           // < 0: until end of generation or a full context
  int32_t top_logprobs = -1;         // < 0: no log-probabilities for generated tokens
  bool prompt_logprobs = false;      // log-probabilities of prompt tokens 1..n-1
  std::vector<TokenId> stop_tokens;  // extra end-of-turn tokens besides the vocab's EOG set
  bool ignore_eos = false;           // generate max_tokens regardless (benchmarks)
  // Masks this sequence's logits before each draw (structured output); null: none, and
  // the decode path does no extra work.
  std::unique_ptr<engine::LogitsProcessor> processor;
};

struct TokenLogprob {
  TokenId id = -1;
  float logprob = 0;
  std::vector<std::pair<TokenId, float>> top;  // most likely alternatives, best first
};

enum class FinishReason { kNone, kStop, kLength, kCancelled, kError };

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

  // Producer side.
  void push(TokenLogprob t);
  void set_prompt_logprobs(std::vector<TokenLogprob> lp);
  void finish(FinishReason r, std::string error = "");

  const std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<TokenLogprob> pending_;
  std::vector<TokenLogprob> prompt_lp_;
  FinishReason finish_ = FinishReason::kNone;
  std::string error_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace tandem::serving
