#include "serving/stored_prefix.h"

#include <spdlog/spdlog.h>
#include <algorithm>

namespace tandem::serving {
namespace {

std::shared_ptr<cache::KvState> snapshot(const CachedPrefix& cached, const engine::KvCache& kv,
                                         int32_t seq) {
  const int32_t n = std::min(cached.size(), kv.exact_len(seq));
  auto s = std::make_shared<cache::KvState>();
  s->tokens.assign(cached.tokens().begin(), cached.tokens().begin() + n);
  s->nll.assign(cached.nll().begin(),
                cached.nll().begin() + std::min(cached.nll().size(), static_cast<size_t>(n) + 1));
  s->kv = kv.save(seq, n);
  s->layout = kv.layout();
  s->n_layer = kv.n_layer();
  return s;
}

}  // namespace

StoredCandidate StoredPrefixes::best(const SeqRequest& req, const engine::KvCache& kv) const {
  StoredCandidate best;
  const std::string layout = kv.layout();
  const cache::ReuseRank usable = [&](const cache::KvState& s, int32_t) {
    if (s.layout != layout) return 0;
    CachedPrefix p;
    p.assign(s.tokens, s.nll);
    return p.reusable(req.prompt, req.score_prompt, req.prompt_logprobs);
  };
  auto consider = [&](const cache::StoreMatch& m, bool feature) {
    if (!m.state) return;
    const int32_t r = m.common;
    if (r > best.reuse) {
      best.state = m.state;
      best.reuse = r;
      best.feature_id = m.id;
      best.from_features = feature;
    }
  };
  if (features_ && !req.cache.empty()) {
    const auto m = features_->find(req.cache, req.prompt, usable);
    if (!req.cache.id.empty() && !m.state) best.store_named = true;
    consider(m, true);
  }
  if (features_) consider(features_->match(req.prompt, usable), true);
  if (prompts_) consider(prompts_->match(req.prompt, usable), false);
  return best;
}

void StoredPrefixes::load(const StoredCandidate& c, engine::KvCache& kv, int32_t seq,
                          CachedPrefix& cached) const {
  const auto n = static_cast<int32_t>(c.state->tokens.size());
  kv.load(seq, c.state->kv, n);
  cached.assign(c.state->tokens, c.state->nll);
  if (c.from_features) {
    features_->used(c.feature_id);
  } else if (prompts_) {
    prompts_->used(c.state.get());
  }
}

void StoredPrefixes::save(const CachedPrefix& cached, const engine::KvCache& kv,
                          int32_t seq) const {
  if (!prompts_ || std::min(cached.size(), kv.exact_len(seq)) < kMinSaved) return;
  prompts_->put(snapshot(cached, kv, seq));
}

void StoredPrefixes::store_named(const cache::CacheDirective& d, const CachedPrefix& cached,
                                 const engine::KvCache& kv, int32_t seq) const {
  if (!features_) return;
  try {
    features_->put(d, snapshot(cached, kv, seq));
  } catch (const std::exception& e) {
    spdlog::warn("feature cache: not stored '{}': {}", d.id, e.what());
  }
}

}  // namespace tandem::serving
