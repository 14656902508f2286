// The reference matmul tests compare against: dequantized weights dotted in double
// precision with the same 8-bit activations the kernels use.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/matmul.h"
#include "kernels/packed_weights.h"
#include "kernels/quant/quant_formats.h"

namespace tandem::kernels::test {

using model::GgmlType;

struct Matrix {
  std::vector<uint8_t> bytes;
  std::vector<float> deq;  // dequantized weights, the reference's view of W
  WeightView view;
};

inline Matrix make_matrix(GgmlType t, int64_t rows, int64_t cols, std::mt19937& rng,
                          size_t extra_stride = 0) {
  std::normal_distribution<float> nd(0.0f, 1.0f);
  Matrix m;
  const size_t rb = model::row_bytes(t, cols) + extra_stride;
  m.bytes.assign(rb * static_cast<size_t>(rows) + 1, 0);
  m.deq.resize(static_cast<size_t>(rows * cols));
  std::vector<float> src(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (auto& v : src) v = nd(rng);
    quantize(t, src.data(), m.bytes.data() + r * rb, cols);
    dequantize(t, m.bytes.data() + r * rb, m.deq.data() + r * cols, cols);
  }
  m.view = WeightView{t, rows, cols, m.bytes.data(), rb};
  return m;
}

inline bool is_float(GgmlType t) {
  return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

// The activation quantization matmul promises: 8-bit, 32-blocks, d = amax/127, round to even.
inline std::vector<float> quantized_acts(const float* x, int64_t cols) {
  std::vector<float> out(static_cast<size_t>(cols));
  for (int64_t b = 0; b < cols / 32; ++b) {
    float amax = 0;
    for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b * 32 + j]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    for (int j = 0; j < 32; ++j)
      out[b * 32 + j] = static_cast<float>(std::lrint(x[b * 32 + j] * id)) * d;
  }
  return out;
}

// Checks matmul against a double-precision dot of the dequantized weights with (for block
// types) the same 8-bit activations the kernel uses, and loosely against the float x.
inline void check_matmul(GgmlType t, int64_t rows, int64_t cols, int64_t n_tokens, ThreadPool& pool,
                         std::mt19937& rng, size_t extra_stride = 0, bool packed = false) {
  SCOPED_TRACE(std::string(model::type_name(t)) + " rows=" + std::to_string(rows) +
               " cols=" + std::to_string(cols) + " tokens=" + std::to_string(n_tokens) +
               " threads=" + std::to_string(pool.size()) + (packed ? " packed" : ""));
  Matrix m = make_matrix(t, rows, cols, rng, extra_stride);
  PackedWeights pw;
  if (packed) {
    pw = PackedWeights::pack(m.view);
    m.view.packed = pw.data();
  }
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(n_tokens * cols));
  for (auto& v : x) v = nd(rng);
  std::vector<float> out(static_cast<size_t>(n_tokens * rows), NAN);
  matmul(m.view, x.data(), n_tokens, out.data(), pool);
  for (int64_t tok = 0; tok < n_tokens; ++tok) {
    const float* xt = x.data() + tok * cols;
    const std::vector<float> xq =
        is_float(t) ? std::vector<float>(xt, xt + cols) : quantized_acts(xt, cols);
    for (int64_t r = 0; r < rows; ++r) {
      const float* w = m.deq.data() + r * cols;
      double exact = 0, ref = 0, mag = 0, act_err = 0;
      for (int64_t c = 0; c < cols; ++c) {
        exact += static_cast<double>(w[c]) * xt[c];
        ref += static_cast<double>(w[c]) * xq[c];
        mag += std::fabs(static_cast<double>(w[c]) * xt[c]);
        act_err += std::fabs(w[c]) * std::fabs(xq[c] - xt[c]);
      }
      const float got = out[static_cast<size_t>(tok * rows + r)];
      ASSERT_NEAR(got, ref, 2e-5 * mag + 1e-5) << "token " << tok << " row " << r;
      ASSERT_NEAR(got, exact, act_err + 2e-5 * mag + 1e-5) << "token " << tok << " row " << r;
    }
  }
}

}  // namespace tandem::kernels::test
