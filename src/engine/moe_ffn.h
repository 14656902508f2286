// The mixture-of-experts FFN of a qwen2moe/qwen3moe layer: a router picks n_expert_used SwiGLU
// experts per token and the token's output is their weighted sum (qwen2moe: plus a shared
// expert every token runs, scaled by a sigmoid gate). Only the chosen experts run, and a
// batch's tokens are grouped by expert so that each expert's weights are read once per batch.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/model.h"
#include "kernels/thread_pool.h"
#include "model/model_config.h"

namespace tandem::engine {

// Router semantics (llama.cpp's build_moe_ffn): softmax over all experts, the top
// n_expert_used by probability; qwen3moe renormalises their probabilities to sum to 1 (the sum
// clamped below at 2^-14, fp16's smallest normal, as llama.cpp clamps it), qwen2moe does not.
class MoeFfn {
 public:
  explicit MoeFfn(const model::ModelConfig& c) : c_(c) {}

  // Replaces each of the n rows of x (n_embd floats: the FFN norm's output) by the layer's
  // expert mixture of it.
  void forward(const LayerWeights& L, float* x, int64_t n, kernels::ThreadPool& pool);

  // The last forward's routing: token t's slot i chose expert(t, i) with weight(t, i)
  // (slots in descending router probability).
  int32_t expert(int64_t t, int64_t i) const { return chosen_[slot(t, i)]; }
  float weight(int64_t t, int64_t i) const { return weight_[slot(t, i)]; }

 private:
  size_t slot(int64_t t, int64_t i) const { return static_cast<size_t>(t * c_.n_expert_used + i); }
  // Fills chosen_ and weight_ from the router logits (logits_).
  void route(int64_t n);
  // Orders the (token, slot) pairs by expert: rows_[first_[e] .. first_[e + 1]) are expert e's.
  void group(int64_t n);

  const model::ModelConfig& c_;
  std::vector<float> logits_;    // n x n_expert router logits, then probabilities
  std::vector<int32_t> chosen_;  // n x n_expert_used expert ids
  std::vector<float> weight_;    // n x n_expert_used mixing weights
  std::vector<int64_t> first_;   // n_expert + 1 offsets into rows_
  std::vector<int64_t> rows_;    // (token, slot) pairs as t * n_expert_used + i, by expert
  std::vector<int64_t> row_of_;  // inverse of rows_: where pair (t, i) sits
  std::vector<float> in_, gate_, up_, out_;      // per grouped row: input, gate, up, expert output
  std::vector<float> sh_gate_, sh_up_, sh_out_;  // per token: the shared expert's
};

}  // namespace tandem::engine
