#include "engine/kv_cache.h"

#include <stdexcept>
#include <string>

namespace tandem::engine {

KvCache::KvCache(const model::ModelConfig& c, int32_t n_ctx, int32_t n_seq)
    : n_ctx_(n_ctx), n_seq_(n_seq), kv_dim_(c.kv_dim()), lens_(static_cast<size_t>(n_seq), 0) {
  if (n_ctx <= 0 || n_seq <= 0)
    throw std::invalid_argument("KV cache needs a positive context and sequence count");
  const size_t n = static_cast<size_t>(c.n_layer) * n_seq * n_ctx * kv_dim_;
  k_.assign(n, 0.0f);
  v_.assign(n, 0.0f);
}

void KvCache::truncate(int32_t seq, int32_t len) {
  auto& l = lens_.at(static_cast<size_t>(seq));
  if (len < 0 || len > l)
    throw std::out_of_range("cannot truncate sequence " + std::to_string(seq) + " of length " +
                            std::to_string(l) + " to " + std::to_string(len));
  l = len;
}

void KvCache::mark_filled(int32_t seq, int32_t len) {
  auto& l = lens_.at(static_cast<size_t>(seq));
  if (len > n_ctx_) throw std::out_of_range("sequence longer than the KV cache");
  if (len > l) l = len;
}

}  // namespace tandem::engine
