// Q2_K, Q3_K and IQ4_XS: hand-built blocks read as ggml's dequantize_row_* define them
// (expected values computed per element from ggml-common.h's layout, not by the loops the
// dequantizers use), quantize -> dequantize error bounds, and the quantizers' choices.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/quant/quant_blocks.h"
#include "kernels/quant/quant_formats.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;

const float kGrid[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

TEST(QuantLowBit, Q2_KKnownAnswer) {
  BlockQ2_K b{};
  b.d = 0x3800;     // 0.5
  b.dmin = 0x3400;  // 0.25
  for (int j = 0; j < 16; ++j) b.scales[j] = static_cast<uint8_t>((j % 16) | ((15 - j) << 4));
  for (int l = 0; l < 64; ++l) b.qs[l] = static_cast<uint8_t>(l * 37 + 11);
  std::vector<float> y(256);
  dequantize(GgmlType::Q2_K, &b, y.data(), 256);
  for (int e = 0; e < 256; ++e) {
    const int half = e / 128, g = (e % 128) / 32, l = e % 32;
    const int q = (b.qs[32 * half + l] >> (2 * g)) & 3;
    const int s = e / 16;  // 16-element sub-blocks in order
    const float want = 0.5f * static_cast<float>(s) * q - 0.25f * static_cast<float>(15 - s);
    ASSERT_FLOAT_EQ(y[e], want) << e;
  }
}

TEST(QuantLowBit, Q3_KKnownAnswer) {
  BlockQ3_K b{};
  b.d = 0x3C00;  // 1
  // Sub-block scales s - 32 for s = 3j + 1 (6 bits: low nibble and high pair split apart).
  for (int j = 0; j < 16; ++j) {
    const int s = 3 * j + 1;
    if (j < 8)
      b.scales[j] |= static_cast<uint8_t>(s & 0xF);
    else
      b.scales[j - 8] |= static_cast<uint8_t>((s & 0xF) << 4);
    b.scales[8 + j % 4] |= static_cast<uint8_t>((s >> 4) << (2 * (j / 4)));
  }
  for (int l = 0; l < 64; ++l) b.qs[l] = static_cast<uint8_t>(l * 53 + 7);
  for (int l = 0; l < 32; ++l) b.hmask[l] = static_cast<uint8_t>(l * 29 + 3);
  std::vector<float> y(256);
  dequantize(GgmlType::Q3_K, &b, y.data(), 256);
  for (int e = 0; e < 256; ++e) {
    const int half = e / 128, g = (e % 128) / 32, l = e % 32;
    const int low = (b.qs[32 * half + l] >> (2 * g)) & 3;
    const bool high = (b.hmask[l] >> (e / 32)) & 1;
    const int scale = 3 * (e / 16) + 1 - 32;
    ASSERT_FLOAT_EQ(y[e], static_cast<float>(scale * (low - (high ? 0 : 4)))) << e;
  }
}

TEST(QuantLowBit, IQ4_XSKnownAnswer) {
  BlockIQ4_XS b{};
  b.d = 0x3800;  // 0.5
  // Block scales s - 32 for s = 7 ib + 5: low nibbles two per byte, high pairs in scales_h.
  for (int ib = 0; ib < 8; ++ib) {
    const int s = 7 * ib + 5;
    b.scales_l[ib / 2] |= static_cast<uint8_t>((s & 0xF) << (4 * (ib % 2)));
    b.scales_h |= static_cast<uint16_t>((s >> 4) << (2 * ib));
  }
  for (int i = 0; i < 128; ++i) b.qs[i] = static_cast<uint8_t>(i * 97 + 13);
  std::vector<float> y(256);
  dequantize(GgmlType::IQ4_XS, &b, y.data(), 256);
  for (int e = 0; e < 256; ++e) {
    const int ib = e / 32, j = e % 32;
    const uint8_t byte = b.qs[16 * ib + j % 16];
    const int idx = j < 16 ? byte & 0xF : byte >> 4;
    const float want = 0.5f * static_cast<float>(7 * ib + 5 - 32) * kGrid[idx];
    ASSERT_FLOAT_EQ(y[e], want) << e;
  }
}

double rel_rmse(GgmlType t, const std::vector<float>& x, std::vector<float>* out = nullptr) {
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> q(model::row_bytes(t, n));
  std::vector<float> y(x.size());
  quantize(t, x.data(), q.data(), n);
  dequantize(t, q.data(), y.data(), n);
  double se = 0, sx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    se += (static_cast<double>(y[i]) - x[i]) * (static_cast<double>(y[i]) - x[i]);
    sx += static_cast<double>(x[i]) * x[i];
  }
  if (out) *out = y;
  return std::sqrt(se / sx);
}

// Relative RMS error on Gaussian data, with a margin over what each format achieves (ggml's
// measured here: Q2_K 0.302, Q3_K 0.153, IQ4_XS 0.078).
TEST(QuantLowBit, RoundTripErrorBounds) {
  std::mt19937 rng(42);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> x(4096);
  for (auto& v : x) v = nd(rng);
  const double q2 = rel_rmse(GgmlType::Q2_K, x);
  const double q3 = rel_rmse(GgmlType::Q3_K, x);
  const double iq4 = rel_rmse(GgmlType::IQ4_XS, x);
  std::printf("rel rmse: Q2_K %.4f Q3_K %.4f IQ4_XS %.4f\n", q2, q3, iq4);
  EXPECT_LE(q2, 0.32);
  EXPECT_LE(q3, 0.17);
  EXPECT_LE(iq4, 0.085);
  // More bits, less error: the formats are ordered.
  EXPECT_LT(iq4, q3);
  EXPECT_LT(q3, q2);
}

// Every element of a Q3_K / IQ4_XS round trip is a grid point of its stored scale, and no
// other grid point of that scale is nearer to the input by more than rounding (the
// quantizers re-index every element against the scale they store).
TEST(QuantLowBit, ElementsTakeTheNearestCodeOfTheStoredScale) {
  std::mt19937 rng(9);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> x(1024);
  for (auto& v : x) v = nd(rng);
  {
    std::vector<BlockQ3_K> q(x.size() / 256);
    quantize(GgmlType::Q3_K, x.data(), q.data(), static_cast<int64_t>(x.size()));
    std::vector<float> y(x.size());
    dequantize(GgmlType::Q3_K, q.data(), y.data(), static_cast<int64_t>(x.size()));
    for (size_t e = 0; e < x.size(); ++e) {
      const float d =
          half_to_float(q[e / 256].d) *
          static_cast<float>(q3k_scale(q[e / 256].scales, static_cast<int>(e % 256) / 16));
      if (d == 0.0f) continue;
      float best = INFINITY;
      for (int c = -4; c <= 3; ++c) best = std::min(best, std::fabs(x[e] - d * c));
      ASSERT_LE(std::fabs(x[e] - y[e]), best + 1e-5f * std::fabs(d)) << "Q3_K " << e;
    }
  }
  {
    std::vector<BlockIQ4_XS> q(x.size() / 256);
    quantize(GgmlType::IQ4_XS, x.data(), q.data(), static_cast<int64_t>(x.size()));
    std::vector<float> y(x.size());
    dequantize(GgmlType::IQ4_XS, q.data(), y.data(), static_cast<int64_t>(x.size()));
    for (size_t e = 0; e < x.size(); ++e) {
      const float d = half_to_float(q[e / 256].d) *
                      static_cast<float>(iq4xs_scale(q[e / 256], static_cast<int>(e % 256) / 32));
      if (d == 0.0f) continue;
      float best = INFINITY;
      for (float g : kGrid) best = std::min(best, std::fabs(x[e] - d * g));
      ASSERT_LE(std::fabs(x[e] - y[e]), best + 1e-5f * std::fabs(d) * 127) << "IQ4_XS " << e;
    }
  }
}

// A negative offset is what Q2_K's per-sub-block min is for (ggml clamps the min at 0): data on
// [-6, -5] keeps a small error although every code is non-negative.
TEST(QuantLowBit, Q2_KMinsCarryAnOffset) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> ud(-6.0f, -5.0f);
  std::vector<float> x(512);
  for (auto& v : x) v = ud(rng);
  std::vector<float> y;
  rel_rmse(GgmlType::Q2_K, x, &y);
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(double(y[i]) - x[i]));
  // Half a step ((max - min) / 3 / 2 ~ 0.17) plus the 4-bit rounding of the min (up to
  // max_min / 30 ~ 0.2); without the min the codes 0..3 could not reach the data at all.
  EXPECT_LE(worst, 0.4);
}

}  // namespace
}  // namespace tandem::kernels
