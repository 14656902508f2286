// Named prompt states with a TTL and semantic tags (extra_body.cache, GET/DELETE /v1/cache),
// in two tiers: RAM, and a directory (--cache-dir) that survives a restart. Every file is
// versioned, checksummed and keyed by the model's fingerprint and KV layout: a file that is
// corrupt, stale or from another model is dropped and logged, never loaded. Expired entries
// are removed (file too) whenever the cache is used. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cache/cache_directive.h"
#include "cache/kv_state.h"
#include "cache/prompt_store.h"

namespace tandem::cache {

struct FeatureCacheOptions {
  std::filesystem::path dir;  // empty: RAM only (nothing survives a restart)
  std::string model_key;      // model_fingerprint() of the served model
  std::string layout;         // KvCache::layout() of the served model's cache
  int64_t default_ttl_s = 3600;
  size_t max_entries = 256;
  uint64_t max_bytes = uint64_t{1} << 30;  // RAM and disk each; the oldest entries go first
  std::function<int64_t()> now;            // unix seconds (tests move time); null: the clock
};

struct FeatureEntryInfo {
  std::string id;
  std::vector<std::string> tags;
  int64_t created_at = 0, expires_at = 0;
  int64_t hits = 0;
  int32_t n_tokens = 0;
  uint64_t bytes = 0;
  bool in_memory = false, on_disk = false;
};

class FeatureCache {
 public:
  // Indexes dir (creating it), verifying every file; bad ones are deleted and logged.
  explicit FeatureCache(FeatureCacheOptions opts);

  // The state for `d` to reuse with `prompt`: by id (when it starts the prompt), else by tag
  // (the tagged entry sharing the longest prefix). A state only on disk is read back in.
  // Reads the entries `d` names (by id, else by tag) that are on disk only into RAM, outside
  // the lock: called where a request arrives, so find() on the scheduler thread reads no file.
  void warm(const CacheDirective& d);
  // `usable` ranks candidates as in PromptStore::match (null: by shared tokens).
  StoreMatch find(const CacheDirective& d, std::span<const int32_t> prompt,
                  const ReuseRank& usable = nullptr);
  // Any entry in RAM sharing the longest prefix with prompt (the scheduler's automatic lookup).
  StoreMatch match(std::span<const int32_t> prompt, const ReuseRank& usable = nullptr);
  // A found state was loaded into a slot.
  void used(const std::string& id);
  // Keeps `state` under d.id (replacing an entry of that id), in RAM and on disk.
  void put(const CacheDirective& d, std::shared_ptr<const KvState> state);
  bool erase(const std::string& id);
  std::vector<FeatureEntryInfo> list(const std::string& tag = "");
  // The memory guard: states that are on disk leave RAM; returns the bytes freed.
  uint64_t spill();
  uint64_t ram_bytes() const;
  size_t size() const;  // entries, expired ones included until the next use removes them
  int64_t hits() const;

  static void check_id(const std::string& id);  // std::invalid_argument naming the rule

 private:
  struct Entry {
    FeatureEntryInfo info;
    std::shared_ptr<const KvState> state;  // null: on disk only
    std::filesystem::path file;
  };
  int64_t now() const;
  void expire();                                  // under mu_
  std::shared_ptr<const KvState> load(Entry& e);  // under mu_; null: dropped
  // The state in `file` if its header still names `id`, this model and layout; else throws.
  std::shared_ptr<const KvState> read_entry(const std::filesystem::path& file,
                                            const std::string& id) const;
  void drop(const std::string& id, const std::string& why = "");  // under mu_
  void trim();                                                    // under mu_
  std::filesystem::path file_for(const std::string& id) const;

  FeatureCacheOptions opts_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  int64_t hits_ = 0;
};

}  // namespace tandem::cache
