// The Whisper encoder's convolution stem (ultravox, qwen2a and the other Whisper-based
// mmproj files): conv1d(k=3, s=1, pad=1) + bias -> GELU(erf) -> conv1d(k=3, s=2, pad=1) +
// bias -> GELU(erf), as llama.cpp's whisper-enc.cpp builds it with ggml_conv_1d_ph.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/thread_pool.h"
#include "kernels/weight_view.h"

namespace tandem::audio {

// Weights as the mmproj file stores them. a.conv1d.1.weight has ggml ne = [3, n_mel,
// n_embd], i.e. torch's Conv1d layout [out][in][k]: as a matrix, n_embd rows of n_mel * 3
// (column in * 3 + k). a.conv1d.2.weight likewise [3, n_embd, n_embd]. The biases have
// ne = [1, n_embd]: n_embd floats. llama.cpp's converter stores the conv weights as F16;
// any type kernels::matmul supports works.
struct ConvStemWeights {
  kernels::WeightView conv1_w;  // rows n_embd, cols n_mel * 3
  std::span<const float> conv1_b;
  kernels::WeightView conv2_w;  // rows n_embd, cols n_embd * 3
  std::span<const float> conv2_b;
};

// A weight matrix over float or fp16 data already in the file's layout.
kernels::WeightView f32_weight(std::span<const float> data, int64_t rows, int64_t cols);
kernels::WeightView f16_weight(std::span<const uint16_t> data, int64_t rows, int64_t cols);

// One log-mel chunk [n_mel][n_frames] (row-major, ggml ne = [n_frames, n_mel], as
// whisper_log_mel gives it) -> [n_frames / 2][n_embd] row-major (ggml ne = [n_embd,
// n_frames / 2] after whisper-enc.cpp's transpose): (n_frames - 1) / 2 + 1 positions,
// 1500 for a 3000-frame chunk. Each conv is im2col + kernels::matmul on the pool.
// Throws std::invalid_argument when the shapes disagree.
std::vector<float> whisper_conv_stem(std::span<const float> mel, int n_mel, int64_t n_frames,
                                     const ConvStemWeights& w, kernels::ThreadPool& pool);

}  // namespace tandem::audio
