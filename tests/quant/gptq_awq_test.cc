// GPTQ and AWQ on a single random linear: the algorithms must beat plain rounding where the
// papers say they do.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernels/quant/quant_formats.h"
#include "quant/awq.h"
#include "quant/gptq.h"
#include "quant/input_stats.h"
#include "quant/row_grid.h"

namespace tandem::quant {
namespace {

using model::GgmlType;

std::vector<float> dequant(GgmlType t, const std::vector<uint8_t>& bytes, int64_t rows,
                           int64_t cols) {
  std::vector<float> out(static_cast<size_t>(rows * cols));
  const size_t rb = model::row_bytes(t, cols);
  for (int64_t r = 0; r < rows; ++r)
    kernels::dequantize(t, bytes.data() + r * rb, out.data() + r * cols, cols);
  return out;
}

// Mean squared error of X·Wqᵀ against X·Wᵀ.
double output_mse(const std::vector<float>& x, int64_t n, const std::vector<float>& w,
                  const std::vector<float>& wq, int64_t rows, int64_t cols) {
  double sum = 0;
  for (int64_t t = 0; t < n; ++t)
    for (int64_t r = 0; r < rows; ++r) {
      double d = 0;
      for (int64_t j = 0; j < cols; ++j)
        d += x[t * cols + j] * (wq[r * cols + j] - w[r * cols + j]);
      sum += d * d;
    }
  return sum / static_cast<double>(n * rows);
}

struct Linear {
  int64_t rows = 48, cols = 128, n = 2048;
  std::vector<float> w, x;
};

// Inputs mixed from a few latent factors plus noise: strongly correlated channels.
Linear correlated_linear(uint32_t seed) {
  Linear L;
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  L.w.resize(static_cast<size_t>(L.rows * L.cols));
  for (auto& v : L.w) v = nd(rng) * 0.05f;
  const int k = 8;
  std::vector<float> mix(static_cast<size_t>(k * L.cols));
  for (auto& v : mix) v = nd(rng);
  L.x.resize(static_cast<size_t>(L.n * L.cols));
  for (int64_t t = 0; t < L.n; ++t) {
    float z[k];
    for (auto& v : z) v = nd(rng);
    for (int64_t j = 0; j < L.cols; ++j) {
      float s = 0.1f * nd(rng);
      for (int i = 0; i < k; ++i) s += z[i] * mix[i * L.cols + j];
      L.x[t * L.cols + j] = s;
    }
  }
  return L;
}

TEST(Gptq, BeatsRtnByThirtyPercentOnCorrelatedInputs) {
  const Linear L = correlated_linear(7);
  kernels::ThreadPool pool(2);
  InputStats st(L.cols);
  st.add(L.x.data(), L.n, pool);
  for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1}) {
    std::vector<uint8_t> rtn(model::row_bytes(t, L.cols) * L.rows), gq(rtn.size());
    for (int64_t r = 0; r < L.rows; ++r)
      rtn_row(t, 32, std::span<const float>(L.w.data() + r * L.cols, L.cols),
              rtn.data() + r * model::row_bytes(t, L.cols));
    auto h = st.mean_xtx();
    for (auto& v : h) v *= 2;
    std::vector<float> w = L.w;
    gptq_quantize(t, w, L.rows, L.cols, h, GptqOptions{}, pool, gq.data());
    const double e_rtn = output_mse(L.x, L.n, L.w, dequant(t, rtn, L.rows, L.cols), L.rows, L.cols);
    const double e_gptq = output_mse(L.x, L.n, L.w, dequant(t, gq, L.rows, L.cols), L.rows, L.cols);
    EXPECT_LT(e_gptq, 0.7 * e_rtn)
        << model::type_name(t) << ": rtn " << e_rtn << " gptq " << e_gptq;
  }
}

TEST(Gptq, SameResultForAnyThreadCount) {
  const Linear L = correlated_linear(3);
  kernels::ThreadPool p1(1), p3(3);
  InputStats st(L.cols);
  st.add(L.x.data(), L.n, p3);
  InputStats st1(L.cols);
  st1.add(L.x.data(), L.n, p1);
  EXPECT_EQ(st.xtx, st1.xtx);
  std::vector<uint8_t> a(model::row_bytes(GgmlType::Q4_0, L.cols) * L.rows), b(a.size());
  std::vector<float> w1 = L.w, w2 = L.w;
  gptq_quantize(GgmlType::Q4_0, w1, L.rows, L.cols, st.mean_xtx(), GptqOptions{}, p1, a.data());
  gptq_quantize(GgmlType::Q4_0, w2, L.rows, L.cols, st.mean_xtx(), GptqOptions{}, p3, b.data());
  EXPECT_EQ(a, b);
}

// With an identity Hessian there is no error feedback: every grid value the algorithm
// assumed must be exactly what the packed bytes decode to, for every target type.
TEST(Gptq, PackedBytesDecodeToTheGridValuesUsed) {
  const int64_t rows = 4, cols = 512;
  std::mt19937 rng(11);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> w(static_cast<size_t>(rows * cols));
  for (auto& v : w) v = nd(rng);
  std::vector<double> h(static_cast<size_t>(cols * cols), 0.0);
  for (int64_t i = 0; i < cols; ++i) h[i * cols + i] = 1.0;
  kernels::ThreadPool pool(2);
  for (GgmlType t :
       {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q6_K}) {
    for (int64_t group : {32, 128}) {
      std::vector<float> ww = w;
      std::vector<uint8_t> out(model::row_bytes(t, cols) * rows);
      GptqOptions o;
      o.group = group;
      gptq_quantize(t, ww, rows, cols, h, o, pool, out.data());
      EXPECT_EQ(dequant(t, out, rows, cols), ww) << model::type_name(t) << " g" << group;
    }
  }
}

TEST(Awq, PicksPositiveAlphaForUnevenChannels) {
  const int64_t rows = 64, cols = 128, n = 1024;
  std::mt19937 rng(5);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> w(static_cast<size_t>(rows * cols)), x(static_cast<size_t>(n * cols));
  for (auto& v : w) v = nd(rng) * 0.05f;
  // A few salient channels carry inputs 50× larger than the rest.
  for (int64_t t = 0; t < n; ++t)
    for (int64_t j = 0; j < cols; ++j) x[t * cols + j] = nd(rng) * (j % 16 == 3 ? 50.0f : 1.0f);
  kernels::ThreadPool pool(2);
  InputStats st(cols);
  st.add(x.data(), n, pool);
  const AwqLinear lin{GgmlType::Q4_0, rows, w};
  const auto r = awq_search(std::span<const AwqLinear>(&lin, 1), st, 32, pool);
  EXPECT_GT(r.alpha, 0.0);
  EXPECT_LT(r.error, r.error_alpha0);
  EXPECT_EQ(r.scales.size(), static_cast<size_t>(cols));
}

TEST(Awq, ScalesAreOneAtAlphaZero) {
  const std::vector<double> a = {0.1, 5.0, 2.0};
  for (float s : awq_scales(a, 0.0)) EXPECT_FLOAT_EQ(s, 1.0f);
  const auto s = awq_scales(a, 1.0);
  EXPECT_GT(s[1], s[0]);
}

}  // namespace
}  // namespace tandem::quant
