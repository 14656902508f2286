// The draft side: a small model proposes the next few tokens autoregressively, keeping its
// own KV cache in sync with the committed context (rolled back to the common prefix).
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "spec/acceptance.h"

namespace tandem::spec {

struct Draft {
  std::vector<TokenId> tokens;
  std::vector<Dist> dists;  // q after the sampler's transforms, one per drafted token
};

class Drafter {
 public:
  // params: the same sampler settings as the target, so q and p see the same transforms.
  Drafter(const engine::Model& model, int n_threads, engine::SamplerParams params, int32_t n_ctx,
          model::GgmlType kv_type = model::GgmlType::F16);

  // Drafts up to max_len tokens continuing `context` (all committed tokens). After min_len
  // tokens it stops as soon as the draft's own top probability (softmax of its raw logits)
  // falls below p_min. Greedy params draft the argmax; otherwise it samples from q with its
  // own RNG (independent of the target's).
  Draft draft(std::span<const TokenId> context, int32_t max_len, int32_t min_len, float p_min);

  // New sampler settings (a long-lived drafter serving requests with different settings);
  // keeps the cached KV, reseeds the draft's RNG. Throws std::invalid_argument if invalid.
  void set_sampling(const engine::SamplerParams& params);

  int64_t passes() const { return passes_; }
  size_t cache_bytes() const { return cache_.bytes(); }
  const engine::Model& model() const { return tf_.model(); }

 private:
  engine::Transformer tf_;
  engine::KvCache cache_;
  engine::SamplerParams params_;
  std::vector<TokenId> cached_;  // tokens whose KV is in cache_, in order
  std::mt19937_64 rng_;
  int64_t passes_ = 0;
};

// Throws std::invalid_argument unless both models have the same vocabulary (size and the
// text of every token).
void check_same_vocab(const engine::Model& target, const engine::Model& draft);

}  // namespace tandem::spec
