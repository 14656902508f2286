#include "serving/sequence.h"

namespace tandem::serving {

SeqStream::Update SeqStream::next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !pending_.empty() || finish_ != FinishReason::kNone; });
  Update u;
  u.tokens.swap(pending_);
  u.finish = finish_;
  u.error = error_;
  return u;
}

std::vector<TokenLogprob> SeqStream::prompt_logprobs() const {
  std::lock_guard lock(mu_);
  return prompt_lp_;
}

void SeqStream::push(TokenLogprob t) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(t));
  }
  cv_.notify_all();
}

void SeqStream::set_prompt_logprobs(std::vector<TokenLogprob> lp) {
  std::lock_guard lock(mu_);
  prompt_lp_ = std::move(lp);
}

std::optional<PromptScore> SeqStream::wait_prefilled() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return prefilled_ || finish_ != FinishReason::kNone; });
  return prefilled_;
}

void SeqStream::set_prefilled(PromptScore score) {
  {
    std::lock_guard lock(mu_);
    prefilled_ = score;
  }
  cv_.notify_all();
}

PrefillProgress SeqStream::prefill_progress() const {
  std::lock_guard lock(mu_);
  return progress_;
}

PrefillProgress SeqStream::wait_prefill_progress(int64_t seen) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] {
    return progress_.processed > seen || !pending_.empty() || prefilled_ ||
           finish_ != FinishReason::kNone;
  });
  return progress_;
}

void SeqStream::set_prefill_progress(int64_t total, int64_t processed) {
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (progress_.total == 0) {  // admission: what the slot's cache already held
      admitted_ = now;
      progress_.cache = processed;
    }
    progress_.total = total;
    progress_.processed = processed;
    progress_.time_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - admitted_).count();
  }
  cv_.notify_all();
}

void SeqStream::finish(FinishReason r, std::string error) {
  {
    std::lock_guard lock(mu_);
    if (finish_ != FinishReason::kNone) return;
    finish_ = r;
    error_ = std::move(error);
  }
  cv_.notify_all();
}

}  // namespace tandem::serving
