// Keys and values of past positions, for one or more independent sequences.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kernels/attention.h"
#include "model/ggml_types.h"
#include "model/model_config.h"

namespace tandem::engine {

class KvCache {
 public:
  // type: F16 (default: attention over long contexts is bandwidth-bound), F32 or Q8_0
  // (Q8_0 needs a head size that is a multiple of 32). Throws std::invalid_argument.
  KvCache(const model::ModelConfig& config, int32_t n_ctx, int32_t n_seq = 1,
          model::GgmlType type = model::GgmlType::F16);

  int32_t n_ctx() const { return n_ctx_; }
  int32_t n_seq() const { return n_seq_; }
  model::GgmlType type() const { return type_; }

  // Positions [0, seq_len) of a sequence hold valid entries.
  int32_t seq_len(int32_t seq) const { return lens_.at(static_cast<size_t>(seq)); }
  // Forgets positions >= len (speculative rollback); len must not exceed seq_len.
  void truncate(int32_t seq, int32_t len);
  void clear(int32_t seq) { truncate(seq, 0); }
  void mark_filled(int32_t seq, int32_t len);

  // Converts one position's keys and values (kv_dim floats each) into the cache's type.
  void store(int64_t layer, int32_t seq, int32_t pos, const float* k, const float* v);
  // One KV head of a sequence, from position 0.
  kernels::KvHeadView head(int64_t layer, int32_t seq, int64_t kv_head) const;
  size_t bytes() const { return k_.size() + v_.size(); }

  // Keys and values of positions [0, n) of a sequence, every layer, as one byte string (the
  // prompt cache keeps it in RAM or on disk), and back. A string saved from a cache of another
  // type or shape is refused (std::invalid_argument): compare layout() first.
  std::vector<uint8_t> save(int32_t seq, int32_t n) const;
  void load(int32_t seq, std::span<const uint8_t> rows, int32_t n);
  // Bytes save() takes per position; names the type and shape a saved string must match.
  size_t position_bytes() const { return 2 * static_cast<size_t>(n_layer_) * row_bytes_; }
  int32_t n_layer() const { return static_cast<int32_t>(n_layer_); }
  std::string layout() const;

 private:
  size_t offset(int64_t layer, int32_t seq, int32_t pos) const {
    return ((static_cast<size_t>(layer) * n_seq_ + seq) * n_ctx_ + pos) * row_bytes_;
  }
  int32_t n_ctx_;
  int32_t n_seq_;
  int64_t n_layer_;
  int64_t head_dim_;
  int64_t kv_dim_;
  model::GgmlType type_;
  size_t row_bytes_;
  std::vector<uint8_t> k_, v_;
  std::vector<int32_t> lens_;
};

// Parses "f16", "f32", "q8_0" (case-insensitive) for --kv-type.
model::GgmlType parse_kv_type(const std::string& name);

}  // namespace tandem::engine
