// Keys and values of past positions, for one or more independent sequences.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/kv_budget.h"
#include "kernels/attention.h"
#include "model/ggml_types.h"
#include "model/model_config.h"

namespace tandem::engine {

// Positions are logical (what a Batch names, what RoPE rotated by); entries are cells. Without
// a budget the two coincide. With one (engine/kv_budget.h) a sequence keeps at most
// budget.tokens cells after each forward while its positions run on to n_ctx: cell = position
// - shift for the tail, and the older cells are the policy's choice of the evicted past.
class KvCache {
 public:
  // type: F16 (default: attention over long contexts is bandwidth-bound), F32 or Q8_0
  // (Q8_0 needs a head size that is a multiple of 32). Throws std::invalid_argument.
  KvCache(const model::ModelConfig& config, int32_t n_ctx, int32_t n_seq = 1,
          model::GgmlType type = model::GgmlType::F16, KvBudget budget = {});

  int32_t n_ctx() const { return n_ctx_; }
  int32_t n_seq() const { return n_seq_; }
  model::GgmlType type() const { return type_; }
  // Cells per sequence: n_ctx, or the budget plus one forward's headroom.
  int32_t capacity() const { return capacity_; }
  const KvBudget& budget() const { return budget_; }
  // The memory guard lowers it under pressure (the next forward evicts down to it); at least
  // 8, at most the budget the cache was made with. Cells no budget can reach any more go back
  // to the system (madvise); returns their bytes. Not thread-safe, as the rest.
  uint64_t set_budget_tokens(int32_t tokens);
  int32_t budget_tokens() const { return budget_tokens_; }

  // Positions [0, seq_len) of a sequence have been evaluated (some may since be evicted).
  int32_t seq_len(int32_t seq) const { return st(seq).cells + st(seq).shift; }
  // Cells a sequence holds.
  int32_t n_cells(int32_t seq) const { return st(seq).cells; }
  // The leading positions whose entries are still all there, as a plain prefill left them:
  // what prefix reuse and the prompt cache may share (seq_len when nothing was evicted).
  int32_t exact_len(int32_t seq) const { return std::min(seq_len(seq), st(seq).intact); }
  // Forgets positions >= len (speculative rollback, a new prompt reusing a prefix). len must
  // not exceed seq_len, and must not fall among evicted positions: below the most recent
  // budget.recent() of the last eviction, only len <= exact_len is possible (std::out_of_range).
  void truncate(int32_t seq, int32_t len);
  void clear(int32_t seq) { truncate(seq, 0); }
  void mark_filled(int32_t seq, int32_t len);
  // The cell that position pos (seq_len at most, after any truncate) is stored in.
  int32_t cell_of(int32_t seq, int32_t pos) const { return pos - st(seq).shift; }

  // Converts one cell's keys and values (kv_dim floats each) into the cache's type.
  void store(int64_t layer, int32_t seq, int32_t cell, const float* k, const float* v);
  // One KV head of a sequence, from cell 0.
  kernels::KvHeadView head(int64_t layer, int32_t seq, int64_t kv_head) const;
  size_t bytes() const { return k_.size() + v_.size() + score_.size() * sizeof(float); }

  // The attention statistics a scoring policy keeps per (sequence, layer, KV head), one float
  // per cell: h2o's accumulated weight; snapkv's weight from the query at `pos` (a ring of
  // budget.window rows, the caller zeroes and fills it). Null when the policy keeps none.
  float* h2o_scores(int64_t layer, int32_t seq, int64_t kv_head);
  float* snap_scores(int64_t layer, int32_t seq, int64_t kv_head, int32_t pos);
  // Evicts a sequence down to the budget (nothing when within it, or no budget); returns the
  // entries evicted per layer.
  int32_t evict(int32_t seq) { return evict_to(seq, budget_tokens()); }
  // Evicts down to `keep` cells (the forward makes room for a batch larger than the headroom).
  int32_t evict_to(int32_t seq, int32_t keep);
  // Entries evicted since start (per layer), all sequences.
  int64_t evicted() const { return evicted_; }

  // Keys and values of positions [0, n) of a sequence, every layer, as one byte string (the
  // prompt cache keeps it in RAM or on disk), and back. n <= exact_len. A string saved from a
  // cache of another type or shape is refused (std::invalid_argument): compare layout() first.
  std::vector<uint8_t> save(int32_t seq, int32_t n) const;
  void load(int32_t seq, std::span<const uint8_t> rows, int32_t n);
  // Bytes save() takes per position; names the type and shape a saved string must match.
  size_t position_bytes() const { return 2 * static_cast<size_t>(n_layer_) * row_bytes_; }
  int32_t n_layer() const { return static_cast<int32_t>(n_layer_); }
  std::string layout() const;

 private:
  struct SeqState {
    int32_t cells = 0;
    int32_t shift = 0;         // positions evicted (tail: cell = position - shift)
    int32_t intact = 1 << 30;  // positions below it were never evicted
    int32_t floor = 0;         // truncation below this needs len <= intact
  };
  const SeqState& st(int32_t seq) const { return seqs_.at(static_cast<size_t>(seq)); }
  size_t offset(int64_t layer, int32_t seq, int32_t cell) const {
    return ((static_cast<size_t>(layer) * n_seq_ + seq) * capacity_ + cell) * row_bytes_;
  }
  size_t score_row(int64_t layer, int32_t seq, int64_t kv_head) const;
  // Moves the kept cells of one layer (and kv heads [h0, h1)) to the front, in order.
  void compact(int64_t layer, int32_t seq, int64_t h0, int64_t h1, std::span<const int32_t> keep);
  void reset(int32_t seq, int32_t cells);

  int32_t n_ctx_;
  int32_t n_seq_;
  int32_t capacity_;
  int64_t n_layer_;
  int64_t n_head_kv_;
  int64_t head_dim_;
  int64_t kv_dim_;
  model::GgmlType type_;
  size_t row_bytes_;
  KvBudget budget_;
  int32_t budget_tokens_;
  std::vector<uint8_t> k_, v_;
  std::vector<float> score_;  // [seq][layer][kv_head][rows][capacity], rows: 1 or window
  int32_t score_rows_ = 0;
  std::vector<SeqState> seqs_;
  int64_t evicted_ = 0;
};

// Parses "f16", "f32", "q8_0" (case-insensitive) for --kv-type.
model::GgmlType parse_kv_type(const std::string& name);

}  // namespace tandem::engine
