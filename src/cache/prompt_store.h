// The prompt cache in RAM (llama-server's --cache-ram): when a slot's KV is about to be
// overwritten by an unrelated prompt, the scheduler saves it here first; a later request whose
// prompt starts like a saved state loads it into a slot and prefills only the rest. Shared by
// every slot, request and session of a server; bounded in bytes, least recently used first out.
// Thread-safe (the scheduler writes, /v1/cache, /metrics and the memory guard read or clear).
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "cache/kv_state.h"

namespace tandem::cache {

struct StoreMatch {
  std::shared_ptr<const KvState> state;  // null: nothing shares a token with the prompt
  int32_t common = 0;                    // leading tokens it shares with the prompt
  std::string id;                        // the feature cache's name for it (else empty)
};

// How many positions of a state sharing `common` leading tokens with the prompt can serve it.
using ReuseRank = std::function<int32_t(const KvState& state, int32_t common)>;

struct PromptStoreStats {
  size_t entries = 0;
  uint64_t bytes = 0;
  uint64_t budget = 0;
  int64_t hits = 0;       // states loaded into a slot
  int64_t saves = 0;      // states kept
  int64_t evictions = 0;  // states dropped for room, or by clear()
};

class PromptStore {
 public:
  explicit PromptStore(uint64_t budget_bytes) : budget_(budget_bytes) {}

  // The state sharing the longest prefix with `prompt` (ties: the most recently used).
  StoreMatch match(std::span<const int32_t> prompt) const;
  // The same, ranked by how many positions `usable` says each state would really save (a
  // scored prompt can reuse only positions whose NLLs are known); `common` is then that count.
  StoreMatch match(std::span<const int32_t> prompt, const ReuseRank& usable) const;
  // A matched state was loaded: counts a hit and makes it the most recently used.
  void used(const KvState* state);
  // Keeps `state`, dropping states it extends (their tokens are a prefix of its) and the
  // least recently used ones until it fits (a state of the same tokens is replaced: the new
  // one may know more NLLs). A state covered by a longer kept one (its tokens a prefix of that
  // one's) or larger than the whole budget is not kept.
  void put(std::shared_ptr<const KvState> state);
  // Drops everything (the memory guard); returns the bytes freed.
  uint64_t clear();
  PromptStoreStats stats() const;

 private:
  void evict_back();  // under mu_

  const uint64_t budget_;
  mutable std::mutex mu_;
  std::list<std::shared_ptr<const KvState>> lru_;  // front: most recently used
  uint64_t bytes_ = 0;
  int64_t hits_ = 0, saves_ = 0, evictions_ = 0;
};

}  // namespace tandem::cache
