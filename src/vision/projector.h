// The projectors that map the vision tower's patch rows to language-model embeddings.
//   mlp       y = W2 gelu(W0 x + b0) + b2                       (mm.0, mm.2; LLaVA)
//   idefics3  pixel shuffle s x s patches into one row, y = W x  (mm.model.fc; no bias)
//   gemma3    k x k average pool, RMSNorm * mm.soft_emb_norm, y = P^T x
//             (mm.input_projection stored ne = [n_text, n_embd], i.e. not transposed)
//   gated     m = mlp(x), g = sigmoid(Wg x + bg), y = g * m + (1 - g) * t   (mm.0, mm.2,
//             mm.gate, mm.text: Tandem's gated fusion — per feature, the gate decides how
//             much of the media's projection replaces the learned text-stream row t)
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/thread_pool.h"
#include "kernels/weight_view.h"
#include "mmproj/mmproj_file.h"

namespace tandem::vision {

class Projector {
 public:
  // `file` must outlive the projector.
  Projector(const mmproj::MmprojFile& file, mmproj::ProjectorType type);

  mmproj::ProjectorType type() const { return type_; }
  int64_t n_embd_out() const { return n_out_; }
  int64_t rows_per_image() const { return rows_; }
  // The pixel-shuffle factor (idefics3) or pool size (gemma3); 1 for mlp.
  int64_t merge() const { return merge_; }

  // x: the tower's side x side patch rows of n_embd. Returns rows_per_image() rows of
  // n_embd_out().
  std::vector<float> forward(const std::vector<float>& x, kernels::ThreadPool& pool) const;

  double flops() const;

 private:
  mmproj::ProjectorType type_;
  int64_t n_in_ = 0, side_ = 0, n_out_ = 0, rows_ = 0, merge_ = 1, n_mid_ = 0;
  float eps_ = 1e-6f;
  kernels::WeightView w0_, w2_;  // mlp; idefics3 uses w0_ only
  std::vector<float> b0_, b2_;
  kernels::WeightView gate_;  // gated: the gate's logits from the tower's row
  std::vector<float> gate_b_, text_;
  std::vector<float> norm_w_;  // gemma3
  std::vector<float> proj_t_;  // gemma3: the projection transposed to rows of n_embd
  kernels::WeightView proj_;
};

}  // namespace tandem::vision
