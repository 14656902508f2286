// The projectors that map the Whisper tower's rows to language-model embeddings (llama.cpp's
// clip_graph_whisper_enc after "after_transformer"):
//   ultravox  stack s consecutive rows into one of s * n_embd (the last one zero-padded),
//             RMSNorm(eps 1e-6) * mm.a.norm_pre.weight, h = mm.a.mlp.1 x,
//             swapped SwiGLU: silu(second half of h) * first half,
//             RMSNorm(eps 1e-6) * mm.a.norm_mid.weight, y = mm.a.mlp.2 h     (no biases)
//   qwen2a    y = mm.a.fc.weight x + mm.a.fc.bias   (the pooling is in the tower)
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/thread_pool.h"
#include "kernels/weight_view.h"
#include "mmproj/mmproj_file.h"

namespace tandem::audio {

class AudioProjector {
 public:
  // `file` must outlive the projector. Missing or misshapen tensors throw
  // model::ModelFileError naming them.
  AudioProjector(const mmproj::MmprojFile& file, mmproj::ProjectorType type);

  mmproj::ProjectorType type() const { return type_; }
  int64_t n_embd_out() const { return n_out_; }
  // Rows out for n_in tower rows: ceil(n_in / stack_factor) for ultravox, n_in for qwen2a.
  int64_t rows_for(int64_t n_in) const { return (n_in + stack_ - 1) / stack_; }

  // x: n_in rows of the tower's n_embd. Returns rows_for(n_in) rows of n_embd_out().
  std::vector<float> forward(const std::vector<float>& x, int64_t n_in,
                             kernels::ThreadPool& pool) const;

  double flops(int64_t n_in) const;

 private:
  mmproj::ProjectorType type_;
  int64_t n_in_ = 0, n_out_ = 0, stack_ = 1, n_hidden_ = 0;
  kernels::WeightView w1_, w2_;             // ultravox mlp.1 / mlp.2; qwen2a fc in w1_
  std::vector<float> norm_pre_, norm_mid_;  // ultravox
  std::vector<float> fc_b_;                 // qwen2a
};

}  // namespace tandem::audio
