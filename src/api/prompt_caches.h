// A server's prompt caches beyond its slots, owned together: the RAM prompt store
// (--cache-ram) and the named feature cache (--cache-dir, --cache-ttl), with what the servers
// show of them (GET /v1/cache, DELETE /v1/cache/{id}, /health, /metrics) and their place in
// the memory guard's eviction order. docs/MEMORY.md.
#pragma once

#include <httplib.h>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cache/feature_cache.h"
#include "cache/memory_guard.h"
#include "cache/prompt_store.h"
#include "serving/scheduler.h"

namespace tandem::api {

struct PromptCacheOptions {
  uint64_t ram_bytes = uint64_t{256} << 20;  // --cache-ram; 0: no prompt store
  std::filesystem::path dir;                 // --cache-dir; empty: named entries in RAM only
  int64_t default_ttl_s = 3600;              // --cache-ttl
};

class PromptCaches {
 public:
  // kv_layout: engine::KvCache::layout() of the server's cache. Throws std::runtime_error
  // when the model file or the directory cannot be read.
  PromptCaches(const PromptCacheOptions& opts, const std::filesystem::path& model_file,
               const std::string& kv_layout);

  // Points the scheduler's options at both tiers.
  void attach(serving::SchedulerOptions& so);
  // Frees the feature cache's RAM tier (to disk), then the prompt store; after them come the
  // server's own (idle sessions).
  void add_evictors(cache::MemoryGuard& guard);

  // GET /v1/cache[?tag=T]: the named entries and the prompt store's totals.
  void list(const httplib::Request& req, httplib::Response& res);
  // DELETE /v1/cache/{id} (req.matches[1]): 404 when there is no such entry.
  void erase(const httplib::Request& req, httplib::Response& res);
  nlohmann::json health_json() const;
  std::string metrics_text() const;  // Prometheus lines

 private:
  nlohmann::json prompt_cache_json() const;

  std::unique_ptr<cache::PromptStore> store_;  // null when --cache-ram 0
  std::unique_ptr<cache::FeatureCache> features_;
};

}  // namespace tandem::api
