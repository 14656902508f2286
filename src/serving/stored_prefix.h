// The scheduler's link to the prompt caches beyond its slots: the RAM prompt store
// (--cache-ram) and the named feature cache (extra_body.cache, --cache-dir). A slot about to
// be overwritten is saved to the store first; a request whose prompt starts like a saved state
// gets that state loaded into its slot and prefills only the rest; a request naming a cache
// id that is not there stores its prompt's KV under it once prefilled.
// Called on the scheduler thread only (the stores lock for their other readers).
#pragma once

#include <memory>
#include <string>

#include "cache/cache_directive.h"
#include "cache/feature_cache.h"
#include "cache/prompt_store.h"
#include "engine/kv_cache.h"
#include "serving/cached_prefix.h"
#include "serving/sequence.h"

namespace tandem::serving {

struct StoredCandidate {
  std::shared_ptr<const cache::KvState> state;  // null: no stored state helps
  int32_t reuse = 0;                            // positions it saves from prefill
  bool from_features = false;                   // else from the prompt store
  std::string feature_id;                       // its name in the feature cache
  // The request names a cache id with nothing under it: store its prompt once prefilled.
  bool store_named = false;
};

class StoredPrefixes {
 public:
  // Either may be null (that tier is off).
  StoredPrefixes(cache::PromptStore* prompts, cache::FeatureCache* features)
      : prompts_(prompts), features_(features) {}

  StoredCandidate best(const SeqRequest& req, const engine::KvCache& kv) const;
  // Puts the candidate's KV into `seq` and makes `cached` describe it.
  void load(const StoredCandidate& c, engine::KvCache& kv, int32_t seq, CachedPrefix& cached) const;
  // Saves what `seq` holds (at least kMinSaved positions) to the prompt store.
  void save(const CachedPrefix& cached, const engine::KvCache& kv, int32_t seq) const;
  // The prompt `seq` has just prefilled, under the request's cache id.
  void store_named(const cache::CacheDirective& d, const CachedPrefix& cached,
                   const engine::KvCache& kv, int32_t seq) const;

  static constexpr int32_t kMinSaved = 16;  // shorter states cost more to match than to prefill

 private:
  cache::PromptStore* prompts_;
  cache::FeatureCache* features_;
};

}  // namespace tandem::serving
