// IQ4_XS: IQ4_NL's non-linear 4-bit grid in 256-element super-blocks, one fp16 scale plus a
// 6-bit signed scale per 32-element block. The quantizer is ggml's quantize_row_iq4_xs_ref
// without importance weights (quantize_row_iq4_nl_impl, ntry 7): per block, the best of 15
// grid scales by x^2-weighted least squares, then the block scales rounded to 6 bits and
// every element re-indexed against the stored scale. Bytes equal llama.cpp's
// (tests/kernels/quant/quant_golden_test.cc).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/quant/quant_blocks.h"
#include "kernels/quant/quant_formats.h"
#include "kernels/quant/quant_internal.h"

namespace tandem::kernels::detail {
namespace {

constexpr int kNtry = 7;

// Index of the grid value nearest x (ggml's best_index_int8; ties go up).
int best_index(float x) {
  const int8_t* val = kIq4nlValues;
  if (x <= val[0]) return 0;
  if (x >= val[15]) return 15;
  int ml = 0, mu = 15;
  while (mu - ml > 1) {
    const int mav = (ml + mu) / 2;
    if (x < val[mav])
      mu = mav;
    else
      ml = mav;
  }
  return x - val[mu - 1] < val[mu] - x ? mu - 1 : mu;
}

// The scale of one 32-block that minimises sum x^2 (x - d*grid[idx])^2 over the tried grids.
float block_scale(const float* xb) {
  float weight[32];
  float amax = 0, max = 0;
  for (int j = 0; j < 32; ++j) {
    weight[j] = xb[j] * xb[j];
    const float ax = std::fabs(xb[j]);
    if (ax > amax) {
      amax = ax;
      max = xb[j];
    }
  }
  if (amax < kGroupMaxEps) return 0.f;
  float d = -max / kIq4nlValues[0];
  float id = 1 / d;
  float sumqx = 0, sumq2 = 0;
  for (int j = 0; j < 32; ++j) {
    const float q = kIq4nlValues[best_index(id * xb[j])];
    const float w = weight[j];
    sumqx += w * q * xb[j];
    sumq2 += w * q * q;
  }
  d = sumqx / sumq2;
  float best = d * sumqx;
  for (int itry = -kNtry; itry <= kNtry; ++itry) {
    id = (itry + kIq4nlValues[0]) / max;
    sumqx = sumq2 = 0;
    for (int j = 0; j < 32; ++j) {
      const float q = kIq4nlValues[best_index(id * xb[j])];
      const float w = weight[j];
      sumqx += w * q * xb[j];
      sumq2 += w * q * q;
    }
    if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
      d = sumqx / sumq2;
      best = d * sumqx;
    }
  }
  return d;
}

}  // namespace

void quantize_iq4_xs(const float* x, void* out, int64_t k) {
  auto* y = static_cast<BlockIQ4_XS*>(out);
  float scales[kQK_K / 32];
  uint8_t L[kQK_K];
  for (int64_t i = 0; i < k / kQK_K; ++i, x += kQK_K) {
    BlockIQ4_XS& b = y[i];
    float max_scale = 0, amax_scale = 0;
    for (int ib = 0; ib < kQK_K / 32; ++ib) {
      scales[ib] = block_scale(x + 32 * ib);
      if (std::fabs(scales[ib]) > amax_scale) {
        amax_scale = std::fabs(scales[ib]);
        max_scale = scales[ib];
      }
    }
    std::memset(L, 0, sizeof L);
    b.scales_h = 0;
    std::memset(b.scales_l, 0, sizeof b.scales_l);
    const float d = -max_scale / 32;
    b.d = f32_to_fp16(d);
    const float id = d != 0.0f ? 1 / d : 0.f;
    for (int ib = 0; ib < kQK_K / 32; ++ib) {
      int l = nearest_int(id * scales[ib]);
      l = std::max(-32, std::min(31, l));
      const float dl = d * l;
      const float idl = dl != 0.0f ? 1 / dl : 0.f;
      for (int j = 0; j < 32; ++j)
        L[32 * ib + j] = static_cast<uint8_t>(best_index(idl * x[32 * ib + j]));
      l += 32;
      b.scales_l[ib / 2] |= static_cast<uint8_t>((l & 0xF) << (4 * (ib % 2)));
      b.scales_h |= static_cast<uint16_t>((l >> 4) << (2 * ib));
    }
    for (int ib = 0; ib < kQK_K / 32; ++ib)
      for (int j = 0; j < 16; ++j)
        b.qs[16 * ib + j] = static_cast<uint8_t>(L[32 * ib + j] | (L[32 * ib + 16 + j] << 4));
  }
}

void dequantize_iq4_xs(const void* in, float* y, int64_t k) {
  const auto* x = static_cast<const BlockIQ4_XS*>(in);
  for (int64_t i = 0; i < k / kQK_K; ++i) {
    const float d = half_to_float(x[i].d);
    const uint8_t* qs = x[i].qs;
    for (int ib = 0; ib < kQK_K / 32; ++ib, qs += 16, y += 32) {
      const float dl = d * static_cast<float>(iq4xs_scale(x[i], ib));
      for (int j = 0; j < 16; ++j) {
        y[j] = dl * kIq4nlValues[qs[j] & 0xF];
        y[j + 16] = dl * kIq4nlValues[qs[j] >> 4];
      }
    }
  }
}

}  // namespace tandem::kernels::detail
