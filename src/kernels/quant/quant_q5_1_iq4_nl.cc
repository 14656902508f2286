// Q5_1 (5-bit with a min) and IQ4_NL (4-bit indices into a fixed non-linear grid): 32-element
// blocks. Q5_1 quantizes as ggml's quantize_row_q5_1_ref; IQ4_NL's quantizer is a simpler
// search than ggml's (nearest grid value, then one least-squares scale), so its bytes can
// differ from llama-quantize's while reading the same for both engines.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/quant/quant_blocks.h"
#include "kernels/quant/quant_formats.h"
#include "kernels/quant/quant_internal.h"

namespace tandem::kernels::detail {

void quantize_q5_1(const float* x, void* out, int64_t k) {
  auto* y = static_cast<BlockQ5_1*>(out);
  for (int64_t i = 0; i < k / kQK; ++i, x += kQK) {
    float min = x[0], max = x[0];
    for (int j = 1; j < kQK; ++j) {
      min = std::min(min, x[j]);
      max = std::max(max, x[j]);
    }
    const float d = (max - min) / ((1 << 5) - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    y[i].d = f32_to_fp16(d);
    y[i].m = f32_to_fp16(min);
    uint32_t qh = 0;
    for (int j = 0; j < kQK / 2; ++j) {
      const int xi0 = static_cast<int>((x[j] - min) * id + 0.5f);
      const int xi1 = static_cast<int>((x[kQK / 2 + j] - min) * id + 0.5f);
      y[i].qs[j] = static_cast<uint8_t>((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
      qh |= static_cast<uint32_t>((xi0 & 0x10) >> 4) << j;
      qh |= static_cast<uint32_t>((xi1 & 0x10) >> 4) << (j + kQK / 2);
    }
    std::memcpy(y[i].qh, &qh, sizeof qh);
  }
}

void dequantize_q5_1(const void* in, float* y, int64_t k) {
  const auto* x = static_cast<const BlockQ5_1*>(in);
  for (int64_t i = 0; i < k / kQK; ++i, y += kQK) {
    const float d = half_to_float(x[i].d);
    const float m = half_to_float(x[i].m);
    uint32_t qh;
    std::memcpy(&qh, x[i].qh, sizeof qh);
    for (int j = 0; j < kQK / 2; ++j) {
      const int h0 = static_cast<int>((qh >> j) << 4) & 0x10;
      const int h1 = static_cast<int>(qh >> (j + 12)) & 0x10;
      y[j] = static_cast<float>((x[i].qs[j] & 0x0F) | h0) * d + m;
      y[j + kQK / 2] = static_cast<float>((x[i].qs[j] >> 4) | h1) * d + m;
    }
  }
}

namespace {

int nearest_iq4nl(float v) {
  int best = 0;
  float err = std::fabs(v - kIq4nlValues[0]);
  for (int q = 1; q < 16; ++q) {
    const float e = std::fabs(v - kIq4nlValues[q]);
    if (e < err) {
      err = e;
      best = q;
    }
  }
  return best;
}

}  // namespace

void quantize_iq4_nl(const float* x, void* out, int64_t k) {
  auto* y = static_cast<BlockIQ4_NL*>(out);
  for (int64_t i = 0; i < k / kQK; ++i, x += kQK) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < kQK; ++j) {
      if (std::fabs(x[j]) > amax) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    // The grid's largest magnitude is -127: the extreme value lands on it.
    float d = max / kIq4nlValues[0];
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    int idx[kQK];
    double xq = 0, qq = 0;
    for (int j = 0; j < kQK; ++j) {
      idx[j] = nearest_iq4nl(x[j] * id);
      xq += static_cast<double>(x[j]) * kIq4nlValues[idx[j]];
      qq += static_cast<double>(kIq4nlValues[idx[j]]) * kIq4nlValues[idx[j]];
    }
    if (qq > 0) d = static_cast<float>(xq / qq);  // least-squares scale for these indices
    y[i].d = f32_to_fp16(d);
    for (int j = 0; j < kQK / 2; ++j)
      y[i].qs[j] = static_cast<uint8_t>(idx[j] | (idx[j + kQK / 2] << 4));
  }
}

void dequantize_iq4_nl(const void* in, float* y, int64_t k) {
  const auto* x = static_cast<const BlockIQ4_NL*>(in);
  for (int64_t i = 0; i < k / kQK; ++i, y += kQK) {
    const float d = half_to_float(x[i].d);
    for (int j = 0; j < kQK / 2; ++j) {
      y[j] = d * kIq4nlValues[x[i].qs[j] & 0x0F];
      y[j + kQK / 2] = d * kIq4nlValues[x[i].qs[j] >> 4];
    }
  }
}

}  // namespace tandem::kernels::detail
