// The forward pass of a Llama-family model over a Batch against a KvCache.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "engine/batch.h"
#include "engine/kv_cache.h"
#include "engine/model.h"
#include "engine/moe_ffn.h"
#include "kernels/thread_pool.h"

namespace tandem::engine {

// The inputs shared by a group of linears (AWQ/GPTQ calibrate per group). kOutput is the
// output projection's input (reported with layer = n_layer, only for rows that want logits).
enum class LinearGroup { kAttnQkv, kAttnOutput, kFfnGateUp, kFfnDown, kOutput };

// Optional instrumentation of forward(), for quantization calibration.
struct ForwardHooks {
  // Sees the input of each linear group: n_tokens rows of `cols` floats.
  std::function<void(int64_t layer, LinearGroup group, const float* x, int64_t n_tokens,
                     int64_t cols)>
      on_linear_input;
  // Weights to use instead of the model's for a layer (nullptr: the model's).
  std::function<const LayerWeights*(int64_t layer)> layer_weights;
  // >= 0: stop after this layer; no logits are computed and the cache lengths don't advance.
  int64_t stop_after_layer = -1;
};

class Transformer {
 public:
  Transformer(const Model& model, int n_threads);

  // Evaluates `batch`, writing keys/values into `cache`. Returns the logits of the entries
  // that asked for them, in batch order: n_logits() rows of n_vocab floats. The returned
  // span stays valid until the next call.
  // Throws std::invalid_argument for tokens outside the vocabulary, positions outside the
  // cache, or positions that would leave a gap in a sequence.
  std::span<const float> forward(const Batch& batch, KvCache& cache,
                                 const ForwardHooks* hooks = nullptr);
  // The final hidden states (after the output norm, the output projection's input) of the
  // last forward's entries that asked for them (Batch::want_hidden), in batch order:
  // n_hidden() rows of n_embd floats, valid until the next call.
  std::span<const float> hidden() const { return {hidden_.data(), n_hidden_rows_}; }

  const Model& model() const { return model_; }
  kernels::ThreadPool& pool() { return pool_; }
  KvCache make_cache(int32_t n_ctx, int32_t n_seq = 1, model::GgmlType type = model::GgmlType::F16,
                     KvBudget budget = {}) const;

 private:
  void validate(const Batch& batch, const KvCache& cache) const;
  // Rewinds sequences the batch restarts, makes room in a bounded cache, maps positions to
  // cells (cells_).
  void prepare(const Batch& batch, KvCache& cache);
  void attention(const Batch& batch, KvCache& cache, int64_t layer);
  // Attention weights for the budget policies that keep the most attended entries.
  void score_attention(const Batch& batch, KvCache& cache, int64_t layer);
  // The first KV cell batch entry t sees in a layer: its sliding window's start (0: global).
  int32_t first_key(int64_t layer, size_t t) const;
  void ensure_workspace(size_t n_tokens, int32_t n_ctx);
  // f(t) for every token t < n, split across the pool when there are enough tokens.
  template <class PerToken>
  void for_tokens(size_t n, const PerToken& f);

  const Model& model_;
  kernels::ThreadPool pool_;
  // Activations for the current batch, reused across calls (grown on demand).
  std::vector<float> x_, xn_, q_, k_, v_, attn_, gate_, up_, logits_, out_rows_, hidden_;
  MoeFfn moe_;                  // the FFN of mixture-of-experts layers (qwen2/3moe)
  size_t n_hidden_rows_ = 0;    // floats of hidden_ the last forward wrote
  std::vector<int32_t> cells_;  // the KV cell of each batch entry
  // Attention work items: a run of consecutive tokens of one sequence (at most
  // kQueryBlock) x one KV head.
  struct AttnItem {
    size_t first;
    size_t count;
    int64_t kv_head;
  };
  std::vector<AttnItem> attn_items_;
  std::vector<AttnItem> zigzag_;  // scratch for balancing attn_items_ across threads
};

}  // namespace tandem::engine
