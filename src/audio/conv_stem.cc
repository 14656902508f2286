#include "audio/conv_stem.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/activations.h"
#include "kernels/matmul.h"

namespace tandem::audio {
namespace {

constexpr int64_t kKernel = 3;
constexpr int64_t kPad = 1;
// Output positions per im2col + matmul round: bounds the im2col buffer (1280 channels:
// 512 x 3840 floats, 7.9 MB) while keeping matmul's token tiles full.
constexpr int64_t kPositionTile = 512;

// x(c, t) = data[c * c_stride + t * t_stride] for t in [0, length), 0 outside (the padding).
struct Signal {
  const float* data;
  int64_t channels;
  int64_t length;
  int64_t c_stride;
  int64_t t_stride;
};

// out[t][o] = gelu(b[o] + sum_{c,k} w[o][c * 3 + k] * x(c, t * stride + k - 1)),
// t < (length - 1) / stride + 1.
std::vector<float> conv_gelu(const Signal& x, const kernels::WeightView& w,
                             std::span<const float> bias, int64_t stride,
                             kernels::ThreadPool& pool) {
  const int64_t n_out = (x.length + 2 * kPad - kKernel) / stride + 1;
  const int64_t cols = x.channels * kKernel;
  const int64_t rows = w.rows;
  std::vector<float> out(static_cast<size_t>(n_out * rows));
  std::vector<float> patches(static_cast<size_t>(std::min(n_out, kPositionTile) * cols));
  for (int64_t t0 = 0; t0 < n_out; t0 += kPositionTile) {
    const int64_t nt = std::min(kPositionTile, n_out - t0);
    pool.parallel_for(nt, [&](int64_t a, int64_t b, int) {
      for (int64_t i = a; i < b; ++i) {
        float* p = patches.data() + i * cols;
        const int64_t start = (t0 + i) * stride - kPad;
        for (int64_t k = 0; k < kKernel; ++k) {  // channels inner: one input row at a time
          const int64_t t = start + k;
          const bool inside = t >= 0 && t < x.length;
          for (int64_t c = 0; c < x.channels; ++c)
            p[c * kKernel + k] = inside ? x.data[c * x.c_stride + t * x.t_stride] : 0.0f;
        }
      }
    });
    kernels::matmul(w, patches.data(), nt, out.data() + t0 * rows, pool);
  }
  pool.parallel_for(n_out, [&](int64_t a, int64_t b, int) {
    for (int64_t t = a; t < b; ++t) {
      float* row = out.data() + t * rows;
      for (int64_t o = 0; o < rows; ++o) row[o] += bias[static_cast<size_t>(o)];
      kernels::gelu_erf(row, rows);
    }
  });
  return out;
}

void check_shape(const kernels::WeightView& w, std::span<const float> b, int64_t rows, int64_t cols,
                 const char* name) {
  if (w.empty() || w.rows != rows || w.cols != cols || b.size() != static_cast<size_t>(rows))
    throw std::invalid_argument(
        std::string("whisper_conv_stem: ") + name + " is [" + std::to_string(w.rows) + " x " +
        std::to_string(w.cols) + "] with " + std::to_string(b.size()) + " biases, expected [" +
        std::to_string(rows) + " x " + std::to_string(cols) + "] with " + std::to_string(rows));
}

}  // namespace

kernels::WeightView f32_weight(std::span<const float> data, int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0 || data.size() != static_cast<size_t>(rows * cols))
    throw std::invalid_argument("f32_weight: " + std::to_string(data.size()) + " floats for a " +
                                std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
  return {model::GgmlType::F32, rows, cols, reinterpret_cast<const uint8_t*>(data.data()),
          static_cast<size_t>(cols) * sizeof(float)};
}

kernels::WeightView f16_weight(std::span<const uint16_t> data, int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0 || data.size() != static_cast<size_t>(rows * cols))
    throw std::invalid_argument("f16_weight: " + std::to_string(data.size()) + " halves for a " +
                                std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
  return {model::GgmlType::F16, rows, cols, reinterpret_cast<const uint8_t*>(data.data()),
          static_cast<size_t>(cols) * sizeof(uint16_t)};
}

std::vector<float> whisper_conv_stem(std::span<const float> mel, int n_mel, int64_t n_frames,
                                     const ConvStemWeights& w, kernels::ThreadPool& pool) {
  if (n_mel < 1 || n_frames < 1 || mel.size() != static_cast<size_t>(n_mel * n_frames))
    throw std::invalid_argument("whisper_conv_stem: " + std::to_string(mel.size()) +
                                " mel values for " + std::to_string(n_mel) + " x " +
                                std::to_string(n_frames));
  const int64_t n_embd = w.conv1_w.rows;
  check_shape(w.conv1_w, w.conv1_b, n_embd, n_mel * kKernel, "a.conv1d.1");
  check_shape(w.conv2_w, w.conv2_b, n_embd, n_embd * kKernel, "a.conv1d.2");
  // The mel is channel-major ([mel][frame]); conv1's output is position-major ([t][embd]).
  const std::vector<float> h =
      conv_gelu({mel.data(), n_mel, n_frames, n_frames, 1}, w.conv1_w, w.conv1_b, 1, pool);
  return conv_gelu({h.data(), n_embd, n_frames, 1, n_embd}, w.conv2_w, w.conv2_b, 2, pool);
}

}  // namespace tandem::audio
