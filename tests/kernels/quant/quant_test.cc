#include "kernels/quant/quant_formats.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/quant/quant_blocks.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

TEST(Fp16, SpecialValues) {
  EXPECT_EQ(f32_to_fp16(0.0f), 0x0000);
  EXPECT_EQ(f32_to_fp16(-0.0f), 0x8000);
  EXPECT_EQ(f32_to_fp16(1.0f), 0x3C00);
  EXPECT_EQ(f32_to_fp16(-2.0f), 0xC000);
  EXPECT_EQ(f32_to_fp16(65504.0f), 0x7BFF);
  EXPECT_EQ(f32_to_fp16(65520.0f), 0x7C00);  // rounds up to infinity
  EXPECT_EQ(f32_to_fp16(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(f32_to_fp16(-std::numeric_limits<float>::infinity()), 0xFC00);
  EXPECT_EQ(f32_to_fp16(std::numeric_limits<float>::quiet_NaN()), 0x7E00);
  EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -24)), 0x0001);         // smallest subnormal
  EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -25)), 0x0000);         // tie -> even (zero)
  EXPECT_EQ(f32_to_fp16(std::ldexp(3.0f, -26)), 0x0001);         // above the tie
  EXPECT_EQ(f32_to_fp16(1.0f + std::ldexp(1.0f, -11)), 0x3C00);  // tie -> even
  EXPECT_EQ(f32_to_fp16(1.0f + std::ldexp(3.0f, -11)), 0x3C02);  // tie -> even (up)
  EXPECT_EQ(f32_to_fp16(std::ldexp(1.0f, -14)), 0x0400);         // smallest normal

  EXPECT_EQ(fp16_to_f32(0x3C00), 1.0f);
  EXPECT_EQ(fp16_to_f32(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(fp16_to_f32(0x7BFF), 65504.0f);
  EXPECT_TRUE(std::isinf(fp16_to_f32(0x7C00)));
  EXPECT_TRUE(std::isnan(fp16_to_f32(0x7E00)));
  EXPECT_TRUE(std::signbit(fp16_to_f32(0x8000)));
}

TEST(Fp16, RoundTripsEveryHalf) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = fp16_to_f32(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(fp16_to_f32(f32_to_fp16(f))));
      continue;
    }
    ASSERT_EQ(f32_to_fp16(f), h) << std::hex << h;
  }
}

TEST(Bf16, SpecialValues) {
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(f32_to_bf16(-0.0f), 0x8000);
  EXPECT_EQ(f32_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);  // tie -> even
  EXPECT_EQ(f32_to_bf16(1.0f + std::ldexp(3.0f, -8)), 0x3F82);
  EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::infinity()), 0x7F80);
  EXPECT_EQ(f32_to_bf16(from_bits(0x7F7FFFFF)), 0x7F80);  // FLT_MAX rounds to inf
  EXPECT_EQ(f32_to_bf16(from_bits(0x7F800001)), 0x7FC0);  // signaling NaN made quiet
  EXPECT_EQ(f32_to_bf16(from_bits(0xFFC12345)), 0xFFC1);  // payload high bits kept
  EXPECT_EQ(bf16_to_f32(0x3F80), 1.0f);
  EXPECT_TRUE(std::isnan(bf16_to_f32(0x7FC0)));
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = bf16_to_f32(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    ASSERT_EQ(f32_to_bf16(f), h) << std::hex << h;
  }
}

TEST(Quant, Q4_0KnownAnswer) {
  std::array<float, 32> x;
  for (int j = 0; j < 32; ++j) x[j] = static_cast<float>(j - 16);  // max |x| = 16 at x[0] < 0
  BlockQ4_0 b;
  quantize(GgmlType::Q4_0, x.data(), &b, 32);
  EXPECT_EQ(b.d, 0x4000);  // d = -16 / -8 = 2
  const std::array<uint8_t, 16> expect = {0x80, 0x91, 0x91, 0xA2, 0xA2, 0xB3, 0xB3, 0xC4,
                                          0xC4, 0xD5, 0xD5, 0xE6, 0xE6, 0xF7, 0xF7, 0xF8};
  for (int j = 0; j < 16; ++j) EXPECT_EQ(b.qs[j], expect[j]) << j;
  std::array<float, 32> y;
  dequantize(GgmlType::Q4_0, &b, y.data(), 32);
  EXPECT_EQ(y[0], -16.0f);
  EXPECT_EQ(y[1], -14.0f);  // -15 * 0.5 + 8.5 = 1.0 truncates to 1 -> (1-8)*2
  EXPECT_EQ(y[31], 14.0f);  // clamped to 15 -> (15-8)*2
}

TEST(Quant, Q5_0KnownAnswer) {
  std::array<float, 32> x;
  for (int j = 0; j < 32; ++j) x[j] = static_cast<float>(j - 16);  // max |x| = 16 at x[0] < 0
  BlockQ5_0 b;
  quantize(GgmlType::Q5_0, x.data(), &b, 32);
  EXPECT_EQ(b.d, 0x3C00);  // d = -16 / -16 = 1, so q = x + 16 (clamped to 31)
  for (int j = 0; j < 16; ++j) {
    const int lo = j, hi = std::min(31, j + 16);
    EXPECT_EQ(b.qs[j], (lo & 0xF) | ((hi & 0xF) << 4)) << j;
  }
  // Fifth bits: none for elements 0..15 (q < 16), all for 16..31.
  EXPECT_EQ(b.qh[0], 0x00);
  EXPECT_EQ(b.qh[1], 0x00);
  EXPECT_EQ(b.qh[2], 0xFF);
  EXPECT_EQ(b.qh[3], 0xFF);
  std::array<float, 32> y;
  dequantize(GgmlType::Q5_0, &b, y.data(), 32);
  for (int j = 0; j < 31; ++j) EXPECT_EQ(y[j], x[j]) << j;
  EXPECT_EQ(y[31], 15.0f);  // 15 + 16 = 31 is the largest code
  // A positive extreme flips the sign of d: d = 8 / -16, so 8 -> code 0 -> (0-16)*-0.5.
  std::array<float, 32> z{};
  z[5] = 8.0f;
  z[20] = -3.0f;
  quantize(GgmlType::Q5_0, z.data(), &b, 32);
  EXPECT_EQ(b.d, 0xB800);  // -0.5
  dequantize(GgmlType::Q5_0, &b, y.data(), 32);
  EXPECT_EQ(y[5], 8.0f);
  EXPECT_EQ(y[20], -3.0f);
  EXPECT_EQ(y[0], 0.0f);
}

TEST(Quant, Q8_0KnownAnswer) {
  std::array<float, 32> x{};
  const float vals[] = {-127.0f, 0.5f, -0.5f, 1.49f, 2.5f, 126.6f, -3.5f, 0.49f};
  for (int j = 0; j < 8; ++j) x[j] = vals[j];
  BlockQ8_0 b;
  quantize(GgmlType::Q8_0, x.data(), &b, 32);
  EXPECT_EQ(b.d, 0x3C00);                                   // d = 127 / 127 = 1
  const int8_t expect[] = {-127, 1, -1, 1, 3, 127, -4, 0};  // roundf: ties away from zero
  for (int j = 0; j < 8; ++j) EXPECT_EQ(b.qs[j], expect[j]) << j;
  for (int j = 8; j < 32; ++j) EXPECT_EQ(b.qs[j], 0);
}

TEST(Quant, AllZeroBlocks) {
  for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1,
                     GgmlType::IQ4_NL, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K,
                     GgmlType::Q6_K, GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::IQ4_XS}) {
    std::vector<float> x(512, 0.0f), y(512, 1.0f);
    std::vector<uint8_t> q(model::row_bytes(t, 512));
    quantize(t, x.data(), q.data(), 512);
    dequantize(t, q.data(), y.data(), 512);
    for (float v : y) ASSERT_EQ(v, 0.0f) << model::type_name(t);
  }
}

struct ErrStats {
  double rel_rmse;
  double max_abs;
};

ErrStats round_trip(GgmlType t, const std::vector<float>& x) {
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> q(model::row_bytes(t, n));
  std::vector<float> y(x.size());
  quantize(t, x.data(), q.data(), n);
  dequantize(t, q.data(), y.data(), n);
  double se = 0, sx = 0, mx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double e = static_cast<double>(y[i]) - x[i];
    se += e * e;
    sx += static_cast<double>(x[i]) * x[i];
    mx = std::max(mx, std::fabs(e));
  }
  return {std::sqrt(se / sx), mx};
}

TEST(Quant, RoundTripErrorBounds) {
  std::mt19937 rng(42);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> x(4096);
  for (auto& v : x) v = nd(rng);
  // Relative RMS error of Gaussian data, with margin over what each format achieves.
  const std::pair<GgmlType, double> limits[] = {
      {GgmlType::F32, 0.0},    {GgmlType::F16, 4e-4},    {GgmlType::BF16, 3e-3},
      {GgmlType::Q8_0, 0.01},  {GgmlType::Q4_0, 0.13},   {GgmlType::Q4_1, 0.11},
      {GgmlType::Q5_0, 0.065}, {GgmlType::Q4_K, 0.10},   {GgmlType::Q6_K, 0.03},
      {GgmlType::Q5_1, 0.06},  {GgmlType::IQ4_NL, 0.11}, {GgmlType::Q5_K, 0.05},
  };
  for (auto [t, lim] : limits) {
    const ErrStats s = round_trip(t, x);
    EXPECT_LE(s.rel_rmse, lim) << model::type_name(t);
  }
}

TEST(Quant, PerElementBounds32Blocks) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> ud(-3.0f, 3.0f);
  std::vector<float> x(32 * 64);
  for (auto& v : x) v = ud(rng) * ud(rng);
  for (GgmlType t :
       {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1}) {
    std::vector<uint8_t> q(model::row_bytes(t, static_cast<int64_t>(x.size())));
    std::vector<float> y(x.size());
    quantize(t, x.data(), q.data(), static_cast<int64_t>(x.size()));
    dequantize(t, q.data(), y.data(), static_cast<int64_t>(x.size()));
    for (size_t b = 0; b < x.size() / 32; ++b) {
      float amax = 0, mn = x[b * 32], mxv = x[b * 32];
      for (int j = 0; j < 32; ++j) {
        amax = std::max(amax, std::fabs(x[b * 32 + j]));
        mn = std::min(mn, x[b * 32 + j]);
        mxv = std::max(mxv, x[b * 32 + j]);
      }
      double bound = 0;
      if (t == GgmlType::Q8_0) bound = amax / 127.0 * 0.57;  // d/2 plus fp16 rounding of d
      if (t == GgmlType::Q4_0) bound = amax / 8.0 * 1.01;    // clamp at +7 costs up to d
      if (t == GgmlType::Q5_0) bound = amax / 16.0 * 1.01;   // clamp at +15 costs up to d
      if (t == GgmlType::Q4_1) bound = (mxv - mn) / 15.0 * 0.52 + std::fabs(mn) * 1e-3;
      if (t == GgmlType::Q5_1) bound = (mxv - mn) / 31.0 * 0.52 + std::fabs(mn) * 1e-3;
      for (int j = 0; j < 32; ++j)
        ASSERT_LE(std::fabs(y[b * 32 + j] - x[b * 32 + j]), bound)
            << model::type_name(t) << " block " << b << " elem " << j;
    }
  }
}

TEST(Quant, RejectsPartialBlocksAndUnknownTypes) {
  std::vector<float> x(48);
  std::vector<uint8_t> q(1024);
  EXPECT_THROW(quantize(GgmlType::Q4_0, x.data(), q.data(), 48), std::invalid_argument);
  EXPECT_THROW(dequantize(GgmlType::Q4_K, q.data(), x.data(), 48), std::invalid_argument);
  EXPECT_THROW(quantize(GgmlType::IQ3_XXS, x.data(), q.data(), 256), std::invalid_argument);
  EXPECT_THROW(dequantize(GgmlType::IQ2_XS, q.data(), x.data(), 256), std::invalid_argument);
  EXPECT_TRUE(can_quantize(GgmlType::Q6_K));
  EXPECT_TRUE(can_quantize(GgmlType::Q5_0));
  EXPECT_TRUE(can_quantize(GgmlType::Q5_1));
  EXPECT_TRUE(can_quantize(GgmlType::IQ4_NL));
  EXPECT_TRUE(can_quantize(GgmlType::Q5_K));
  EXPECT_TRUE(can_quantize(GgmlType::Q3_K));
  EXPECT_FALSE(can_quantize(GgmlType::IQ2_XS));
}

// Hand-built blocks read as ggml's dequantize_row_q5_1 / dequantize_row_iq4_nl define them.
TEST(Quant, Q5_1AndIq4NlKnownAnswers) {
  BlockQ5_1 q5{};
  q5.d = 0x3800;                    // 0.5
  q5.m = 0xC000;                    // -2
  const uint32_t qh = 0xAAAAAAAAu;  // fifth bit set on odd elements
  std::memcpy(q5.qh, &qh, 4);
  for (int j = 0; j < 16; ++j) q5.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  std::vector<float> y(32);
  dequantize(GgmlType::Q5_1, &q5, y.data(), 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_FLOAT_EQ(y[j], (j | ((j & 1) << 4)) * 0.5f - 2.0f) << j;
    EXPECT_FLOAT_EQ(y[j + 16], ((15 - j) | (((j + 16) & 1) << 4)) * 0.5f - 2.0f) << j;
  }
  BlockIQ4_NL nl{};
  nl.d = 0x3C00;  // 1
  for (int j = 0; j < 16; ++j) nl.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  dequantize(GgmlType::IQ4_NL, &nl, y.data(), 32);
  const float grid[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], grid[j]);
    EXPECT_EQ(y[j + 16], grid[15 - j]);
  }
}

}  // namespace
}  // namespace tandem::kernels
