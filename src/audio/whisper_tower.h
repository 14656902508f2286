// The Whisper audio encoder of an mmproj file, before the projector (llama.cpp's
// clip_graph_whisper_enc up to "after_transformer"):
//
//   log-mel chunk [n_mel][n_frames] -> conv stem (conv_stem.h) -> [n_frames / 2][n_embd]
//   + a.position_embd.weight (its first n_frames / 2 rows)
//   -> EncoderStack("a"): pre-norm layers, exact GELU, no attn_k bias
//   -> qwen2a only: average pool over positions, kernel 2 stride 2 (Qwen2-Audio's
//      avg_pooler, which sits between the last layer and the final layer norm)
//   -> a.post_ln (Whisper's encoder.layer_norm)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "audio/conv_stem.h"
#include "kernels/thread_pool.h"
#include "mmproj/encoder_stack.h"
#include "mmproj/mmproj_file.h"

namespace tandem::audio {

class WhisperTower {
 public:
  // Reads a.conv1d.{1,2}.{weight,bias}, a.position_embd.weight and the a.* encoder from
  // `file`, which must outlive the tower. Missing or misshapen tensors throw
  // model::ModelFileError naming them.
  WhisperTower(const mmproj::MmprojFile& file, mmproj::ProjectorType type);

  int64_t n_embd() const { return stack_.hparams().n_embd; }
  int n_mel() const { return n_mel_; }
  // Positions the stack sees for n_frames (conv2's stride 2), rows out of the tower
  // (halved again when pooling), and the most positions the embedding table holds.
  static int64_t positions_for(int64_t n_frames) { return (n_frames - 1) / 2 + 1; }
  int64_t rows_for(int64_t n_frames) const;
  int64_t max_positions() const { return n_pos_max_; }

  // mel: [n_mel][n_frames] row-major. Returns rows_for(n_frames) rows of n_embd. Throws
  // std::invalid_argument when the chunk is longer than the position table.
  std::vector<float> forward(std::span<const float> mel, int64_t n_frames,
                             kernels::ThreadPool& pool) const;

  double flops(int64_t n_frames) const;

 private:
  // Converted copies when the file's type is not one matmul reads in place.
  std::vector<float> conv1_storage_, conv2_storage_;
  std::vector<float> conv1_b_, conv2_b_, pos_embd_;
  ConvStemWeights conv_;
  int n_mel_ = 0;
  int64_t n_pos_max_ = 0;
  bool avg_pool_ = false;
  mmproj::EncoderStack stack_;
};

}  // namespace tandem::audio
