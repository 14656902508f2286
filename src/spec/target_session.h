// The target side of speculative decoding for one sequence: the committed tokens, their KV
// cache and the target's sampler. One verify() evaluates the tokens appended since the last
// call plus the drafted tokens in ONE batched forward, keeps the accepted prefix, rolls the
// cache back past it and returns the correction (or bonus) token. Used in-process by
// LocalVerifier and per session by the Commander's /v1/tandem/verify.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "spec/acceptance.h"

namespace tandem::spec {

struct VerifyOutcome {
  int32_t n_accepted = 0;
  TokenId token = -1;      // correction (n_accepted < drafted) or bonus token
  uint64_t n_uniform = 0;  // uniforms the target's sampler has drawn so far (its RNG state)
};

class TargetSession {
 public:
  // max_ctx: the most positions this session may hold. Throws std::invalid_argument for bad
  // sampler parameters.
  TargetSession(const engine::Model& model, engine::SamplerParams params, int32_t max_ctx,
                model::GgmlType kv_type = model::GgmlType::F16);

  // append: tokens committed since the last call (the first call: the whole context,
  // including the correction/bonus token returned last time). draft_dists: the draft's
  // distribution per drafted token, for sampling; empty means the draft was greedy (q is a
  // point mass on each drafted token). Ignored when the target samples greedily.
  // Throws std::invalid_argument for out-of-vocabulary tokens, an empty context or a
  // context that would exceed max_ctx; the session is unchanged then.
  VerifyOutcome verify(engine::Transformer& tf, std::span<const TokenId> append,
                       std::span<const TokenId> draft, std::span<const Dist> draft_dists);

  const std::vector<TokenId>& tokens() const { return tokens_; }
  int32_t n_cached() const { return n_cached_; }
  size_t bytes() const { return cache_ ? cache_->bytes() : 0; }
  const engine::SamplerParams& params() const { return sampler_.params(); }

 private:
  void ensure_capacity(int32_t n);

  const engine::Model& model_;
  int32_t max_ctx_;
  model::GgmlType kv_type_;
  std::vector<TokenId> tokens_;  // committed (accepted by the target)
  int32_t n_cached_ = 0;         // tokens_[0, n_cached_) have KV entries
  std::unique_ptr<engine::KvCache> cache_;
  engine::Sampler sampler_;
  uint64_t n_uniform_ = 0;
};

}  // namespace tandem::spec
