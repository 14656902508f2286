// The prompt cache in RAM (llama-server's --cache-ram, stored as vLLM stores prefixes): when a
// slot's KV is about to be overwritten by an unrelated prompt, the scheduler saves it here
// first; a later request whose prompt starts like a saved state gets it loaded into a slot and
// prefills only the rest. States are cut into blocks of positions kept in a tree keyed by the
// tokens before them, so prompts sharing a system prompt share its blocks (stored once).
// Shared by every slot, request and session; bounded in bytes, least recently used leaf
// blocks out first. Thread-safe (the scheduler writes; /v1/cache, /metrics and the memory
// guard read or clear).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

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
  size_t entries = 0;  // saved states (leaf blocks)
  size_t blocks = 0;
  uint64_t bytes = 0;
  uint64_t budget = 0;
  int64_t hits = 0;       // states loaded into a slot
  int64_t saves = 0;      // states kept
  int64_t evictions = 0;  // blocks dropped for room, or by clear()
};

class PromptStore {
 public:
  // block: positions per block (sharing granularity; tests use small ones).
  explicit PromptStore(uint64_t budget_bytes, int32_t block = 64);
  ~PromptStore();

  // The saved prefix sharing the most with `prompt`, assembled into one state (its KV is a
  // copy of the blocks'); ranked by `usable` when given (a scored prompt can reuse only
  // positions whose NLLs are known), `common` then being that count.
  StoreMatch match(std::span<const int32_t> prompt, const ReuseRank& usable = nullptr) const;
  // A matched state was loaded: counts a hit and makes its blocks the most recently used.
  void used(const KvState* state);
  // Keeps `state` (blocks already kept are shared, not copied), dropping least recently used
  // leaf blocks until it fits. A state larger than the whole budget, or without a layer
  // count, is not kept.
  void put(std::shared_ptr<const KvState> state);
  // Drops everything (the memory guard); returns the bytes freed.
  uint64_t clear();
  PromptStoreStats stats() const;

 private:
  struct Block;
  struct Step {  // a block on a path, and how many of its positions the prompt shares
    const Block* block;
    int32_t take;
  };
  using Path = std::vector<Step>;
  // The path sharing the most with `prompt` among the blocks of one layout (under mu_).
  Path walk(std::span<const int32_t> prompt, const std::string& layout) const;
  std::shared_ptr<KvState> assemble(const Path& p, bool with_kv) const;  // under mu_
  void touch(const std::vector<uint64_t>& keys);                         // under mu_
  bool evict_one(uint64_t keep_from);                                    // under mu_
  void erase(uint64_t key);                                              // under mu_

  const uint64_t budget_;
  const int32_t block_;
  mutable std::mutex mu_;
  std::map<uint64_t, std::unique_ptr<Block>> blocks_;  // by key; parent key 0 is the root
  std::map<uint64_t, std::vector<uint64_t>> children_;
  uint64_t bytes_ = 0;
  uint64_t clock_ = 0;  // last_used stamps
  int64_t hits_ = 0, saves_ = 0, evictions_ = 0;
  // The last state match() handed out and the blocks behind it, for used() (the scheduler
  // matches and loads on one thread, one request at a time).
  mutable const KvState* handed_out_ = nullptr;
  mutable std::vector<uint64_t> handed_keys_;
};

}  // namespace tandem::cache
