// The image encoder before the projector: patch embedding (a p x p, stride p convolution
// done as a matmul over unfolded patches), the CLIP class embedding when the file has one,
// learned position embeddings, then the shared encoder stack.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/thread_pool.h"
#include "mmproj/encoder_stack.h"
#include "mmproj/mmproj_file.h"

namespace tandem::vision {

class VisionTower {
 public:
  // Reads v.patch_embd.weight (+ bias), v.class_embd, v.position_embd.weight and the v.*
  // encoder from `file`, which must outlive the tower. LLaVA (mlp) reads the hidden state
  // before the last layer, as llama.cpp and HF (vision_feature_layer = -2) do.
  VisionTower(const mmproj::MmprojFile& file, mmproj::ProjectorType type);

  int64_t n_embd() const { return stack_.hparams().n_embd; }
  int64_t patches_per_side() const { return side_; }
  int64_t n_patches() const { return side_ * side_; }
  int64_t layers_run() const { return n_layers_run_; }

  // planar: 3 x S x S normalised floats (S = image_size). Returns n_patches rows of n_embd
  // (patch order row-major, the class row dropped).
  std::vector<float> forward(std::span<const float> planar, kernels::ThreadPool& pool) const;

  double flops() const;

 private:
  int64_t image_size_ = 0, patch_ = 0, side_ = 0, n_layers_run_ = 0;
  std::vector<float> patch_w_storage_;  // F32 copy when the file's type needs converting
  kernels::WeightView patch_w_;         // rows n_embd, cols 3 * p * p
  std::vector<float> patch_b_, class_embd_, pos_embd_;
  mmproj::EncoderStack stack_;
};

}  // namespace tandem::vision
