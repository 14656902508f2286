#include "cache/prompt_store.h"

namespace tandem::cache {

StoreMatch PromptStore::match(std::span<const int32_t> prompt) const {
  return match(prompt, [](const KvState&, int32_t common) { return common; });
}

StoreMatch PromptStore::match(std::span<const int32_t> prompt, const ReuseRank& usable) const {
  std::lock_guard lock(mu_);
  StoreMatch best;
  for (const auto& s : lru_) {
    const int32_t c = common_prefix(s->tokens, prompt);
    if (c <= best.common) continue;
    const int32_t r = usable(*s, c);
    if (r > best.common) best = {s, r};
  }
  return best;
}

void PromptStore::used(const KvState* state) {
  std::lock_guard lock(mu_);
  for (auto it = lru_.begin(); it != lru_.end(); ++it)
    if (it->get() == state) {
      lru_.splice(lru_.begin(), lru_, it);
      ++hits_;
      return;
    }
}

void PromptStore::put(std::shared_ptr<const KvState> state) {
  if (!state || state->tokens.empty() || state->bytes() > budget_) return;
  std::lock_guard lock(mu_);
  const auto n = static_cast<int32_t>(state->tokens.size());
  for (auto it = lru_.begin(); it != lru_.end();) {
    const auto kept = static_cast<int32_t>((*it)->tokens.size());
    const int32_t c = common_prefix((*it)->tokens, state->tokens);
    if (c == n && kept > n) return;  // already covered
    if (c == kept) {                 // the new state extends it (or is it, maybe with more NLLs)
      bytes_ -= (*it)->bytes();
      it = lru_.erase(it);
      continue;
    }
    ++it;
  }
  while (!lru_.empty() && bytes_ + state->bytes() > budget_) evict_back();
  bytes_ += state->bytes();
  lru_.push_front(std::move(state));
  ++saves_;
}

uint64_t PromptStore::clear() {
  std::lock_guard lock(mu_);
  const uint64_t freed = bytes_;
  evictions_ += static_cast<int64_t>(lru_.size());
  lru_.clear();
  bytes_ = 0;
  return freed;
}

PromptStoreStats PromptStore::stats() const {
  std::lock_guard lock(mu_);
  return {lru_.size(), bytes_, budget_, hits_, saves_, evictions_};
}

void PromptStore::evict_back() {
  bytes_ -= lru_.back()->bytes();
  lru_.pop_back();
  ++evictions_;
}

}  // namespace tandem::cache
