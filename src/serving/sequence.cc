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
