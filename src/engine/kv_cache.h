// Keys and values of past positions, for one or more independent sequences.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model_config.h"

namespace tandem::engine {

class KvCache {
 public:
  KvCache(const model::ModelConfig& config, int32_t n_ctx, int32_t n_seq = 1);

  int32_t n_ctx() const { return n_ctx_; }
  int32_t n_seq() const { return n_seq_; }
  int64_t kv_dim() const { return kv_dim_; }

  // Positions [0, seq_len) of a sequence hold valid entries.
  int32_t seq_len(int32_t seq) const { return lens_.at(static_cast<size_t>(seq)); }
  // Forgets positions >= len (speculative rollback); len must not exceed seq_len.
  void truncate(int32_t seq, int32_t len);
  void clear(int32_t seq) { truncate(seq, 0); }
  void mark_filled(int32_t seq, int32_t len);

  float* k(int64_t layer, int32_t seq, int32_t pos) { return data(k_, layer, seq, pos); }
  float* v(int64_t layer, int32_t seq, int32_t pos) { return data(v_, layer, seq, pos); }
  size_t bytes() const { return (k_.size() + v_.size()) * sizeof(float); }

 private:
  float* data(std::vector<float>& buf, int64_t layer, int32_t seq, int32_t pos) {
    return buf.data() + ((static_cast<size_t>(layer) * n_seq_ + seq) * n_ctx_ + pos) * kv_dim_;
  }
  int32_t n_ctx_;
  int32_t n_seq_;
  int64_t kv_dim_;
  std::vector<float> k_, v_;
  std::vector<int32_t> lens_;
};

}  // namespace tandem::engine
