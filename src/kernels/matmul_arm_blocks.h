// aarch64 only (matmul_arm.cc): the quantized weight types unpacked to signed int8 32-blocks
// with base NEON, for the SDOT and SMMLA kernels. Like the x86 unpackers, a group is the
// blocks sharing one header (1 for 32-block types, 8 for K-quant super-blocks): Prepare reads
// the header (float scale per block, and the coefficient of the activation sums
// s = d_x * sum(q_x) into mc when kHasMin), Block(j) gives block j's 32 weights.
#pragma once

#if defined(__aarch64__)
#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include "kernels/quant/quant_blocks.h"

namespace tandem::kernels::arm {

struct W32 {
  int8x16_t lo, hi;  // elements 0-15 and 16-31
};

inline int8x16_t LowNibbles(uint8x16_t q) {
  return vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(0xF)));
}
inline int8x16_t HighNibbles(uint8x16_t q) {
  return vreinterpretq_s8_u8(vshrq_n_u8(q, 4));
}

// 16 bits -> 16 bytes, `value` where the bit is set and 0 elsewhere.
inline uint8x16_t BytesFromBits(uint32_t bits16, uint8_t value) {
  static const uint8_t kBit[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const uint8x16_t b = vcombine_u8(vdup_n_u8(static_cast<uint8_t>(bits16 & 0xFF)),
                                   vdup_n_u8(static_cast<uint8_t>((bits16 >> 8) & 0xFF)));
  return vandq_u8(vtstq_u8(b, vld1q_u8(kBit)), vdupq_n_u8(value));
}

// Q4_K / Q5_K headers: sub-block j's float scale d*sc_j and min coefficient -dmin*m_j.
template <class Block>
inline void ScaleMinK(const Block& b, float* scale, float* mc) {
  const float d = half_to_float(b.d), dmin = half_to_float(b.dmin);
  for (int j = 0; j < 8; ++j) {
    uint8_t sc, m;
    q4k_scale_min(j, b.scales, sc, m);
    scale[j] = d * sc;
    mc[j] = -dmin * m;
  }
}

struct Q4_0 {
  static constexpr int kGroup = 1;
  static constexpr bool kHasMin = false;  // the -8 offset is applied to the weights
  static constexpr bool kHalfScales = false;
  const BlockQ4_0* blk;
  float scale[1];
  void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockQ4_0*>(row) + g;
    scale[0] = half_to_float(blk->d);
  }
  W32 Block(int) const {
    const uint8x16_t q = vld1q_u8(blk->qs);
    const int8x16_t eight = vdupq_n_s8(8);
    return {vsubq_s8(LowNibbles(q), eight), vsubq_s8(HighNibbles(q), eight)};
  }
};

struct Q4_1 {
  static constexpr int kGroup = 1;
  static constexpr bool kHasMin = true;
  static constexpr bool kHalfScales = false;
  const BlockQ4_1* blk;
  float scale[1];
  void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ4_1*>(row) + g;
    scale[0] = half_to_float(blk->d);
    mc[0] = half_to_float(blk->m);
  }
  W32 Block(int) const {
    const uint8x16_t q = vld1q_u8(blk->qs);
    return {LowNibbles(q), HighNibbles(q)};  // 0..15 fits int8
  }
};

struct Q5_0 {
  static constexpr int kGroup = 1;
  static constexpr bool kHasMin = false;
  static constexpr bool kHalfScales = false;
  const BlockQ5_0* blk;
  float scale[1];
  void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockQ5_0*>(row) + g;
    scale[0] = half_to_float(blk->d);
  }
  W32 Block(int) const {
    uint32_t qh;
    std::memcpy(&qh, blk->qh, sizeof qh);
    const uint8x16_t q = vld1q_u8(blk->qs);
    const int8x16_t sixteen = vdupq_n_s8(16);
    const uint8x16_t lo = vorrq_u8(vandq_u8(q, vdupq_n_u8(0xF)), BytesFromBits(qh, 0x10));
    const uint8x16_t hi = vorrq_u8(vshrq_n_u8(q, 4), BytesFromBits(qh >> 16, 0x10));
    return {vsubq_s8(vreinterpretq_s8_u8(lo), sixteen), vsubq_s8(vreinterpretq_s8_u8(hi), sixteen)};
  }
};

struct Q5_1 {
  static constexpr int kGroup = 1;
  static constexpr bool kHasMin = true;
  static constexpr bool kHalfScales = false;
  const BlockQ5_1* blk;
  float scale[1];
  void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ5_1*>(row) + g;
    scale[0] = half_to_float(blk->d);
    mc[0] = half_to_float(blk->m);
  }
  W32 Block(int) const {  // Q5_0's codes without the -16: 0..31 fits int8
    uint32_t qh;
    std::memcpy(&qh, blk->qh, sizeof qh);
    const uint8x16_t q = vld1q_u8(blk->qs);
    const uint8x16_t lo = vorrq_u8(vandq_u8(q, vdupq_n_u8(0xF)), BytesFromBits(qh, 0x10));
    const uint8x16_t hi = vorrq_u8(vshrq_n_u8(q, 4), BytesFromBits(qh >> 16, 0x10));
    return {vreinterpretq_s8_u8(lo), vreinterpretq_s8_u8(hi)};
  }
};

// The 4-bit indices looked up in the int8 grid with one TBL per half.
struct IQ4_NL {
  static constexpr int kGroup = 1;
  static constexpr bool kHasMin = false;
  static constexpr bool kHalfScales = false;
  const BlockIQ4_NL* blk;
  float scale[1];
  void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockIQ4_NL*>(row) + g;
    scale[0] = half_to_float(blk->d);
  }
  W32 Block(int) const {
    const int8x16_t grid = vld1q_s8(kIq4nlValues);
    const uint8x16_t q = vld1q_u8(blk->qs);
    return {vqtbl1q_s8(grid, vandq_u8(q, vdupq_n_u8(0xF))), vqtbl1q_s8(grid, vshrq_n_u8(q, 4))};
  }
};

struct Q8_0 {
  static constexpr int kGroup = 1;
  static constexpr bool kHasMin = false;
  static constexpr bool kHalfScales = false;
  const BlockQ8_0* blk;
  float scale[1];
  void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockQ8_0*>(row) + g;
    scale[0] = half_to_float(blk->d);
  }
  W32 Block(int) const { return {vld1q_s8(blk->qs), vld1q_s8(blk->qs + 16)}; }
};

struct Q4_K {
  static constexpr int kGroup = 8;
  static constexpr bool kHasMin = true;
  static constexpr bool kHalfScales = false;
  const BlockQ4_K* blk;
  float scale[8];
  void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ4_K*>(row) + g;
    ScaleMinK(*blk, scale, mc);
  }
  // Bytes 32c..32c+31 hold sub-block 2c in their low nibbles and 2c+1 in their high ones.
  W32 Block(int j) const {
    const uint8_t* q = blk->qs + 32 * (j >> 1);
    const uint8x16_t a = vld1q_u8(q), b = vld1q_u8(q + 16);
    if (j & 1) return {HighNibbles(a), HighNibbles(b)};
    return {LowNibbles(a), LowNibbles(b)};
  }
};

// Q4_K's codes plus a fifth bit: sub-block j's is bit j of qh[l], element l of its 32.
struct Q5_K {
  static constexpr int kGroup = 8;
  static constexpr bool kHasMin = true;
  static constexpr bool kHalfScales = false;
  const BlockQ5_K* blk;
  float scale[8];
  void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ5_K*>(row) + g;
    ScaleMinK(*blk, scale, mc);
  }
  W32 Block(int j) const {
    const uint8_t* q = blk->qs + 32 * (j >> 1);
    const uint8x16_t a = vld1q_u8(q), b = vld1q_u8(q + 16);
    const uint8x16_t bit = vdupq_n_u8(static_cast<uint8_t>(1u << j));
    // (qh & bit) != 0 -> 0x10: compare-test gives 0xFF, masked to 16.
    const uint8x16_t ha = vandq_u8(vtstq_u8(vld1q_u8(blk->qh), bit), vdupq_n_u8(0x10));
    const uint8x16_t hb = vandq_u8(vtstq_u8(vld1q_u8(blk->qh + 16), bit), vdupq_n_u8(0x10));
    if (j & 1) {
      return {vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(a, 4), ha)),
              vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(b, 4), hb))};
    }
    return {vreinterpretq_s8_u8(vorrq_u8(vandq_u8(a, vdupq_n_u8(0xF)), ha)),
            vreinterpretq_s8_u8(vorrq_u8(vandq_u8(b, vdupq_n_u8(0xF)), hb))};
  }
};

// Q6_K's scales cover 16 elements: kHalfScales kernels dot each half separately and weight
// it by HalfScale(j, h) (integer) before the block's float scale d.
struct Q6_K {
  static constexpr int kGroup = 8;
  static constexpr bool kHasMin = false;
  static constexpr bool kHalfScales = true;
  const BlockQ6_K* blk;
  float scale[8];
  void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockQ6_K*>(row) + g;
    const float d = half_to_float(blk->d);
    for (float& s : scale) s = d;
  }
  // Block j = 4h + g of the super-block uses scales[2j] and scales[2j + 1].
  int32_t HalfScale(int j, int h) const { return blk->scales[2 * j + h]; }
  // Low 4 bits from ql, high 2 from qh (ggml layout), minus 32.
  W32 Block(int j) const {
    const int h = j >> 2, g = j & 3;
    const uint8_t* ql = blk->ql + 64 * h + 32 * (g & 1);
    const uint8_t* qh = blk->qh + 32 * h;
    W32 w;
    for (int k = 0; k < 2; ++k) {
      const uint8x16_t l = vld1q_u8(ql + 16 * k);
      const uint8x16_t lo = g >= 2 ? vshrq_n_u8(l, 4) : vandq_u8(l, vdupq_n_u8(0xF));
      uint8x16_t hb = vld1q_u8(qh + 16 * k);
      switch (g) {
        case 1:
          hb = vshrq_n_u8(hb, 2);
          break;
        case 2:
          hb = vshrq_n_u8(hb, 4);
          break;
        case 3:
          hb = vshrq_n_u8(hb, 6);
          break;
        default:
          break;
      }
      const uint8x16_t q = vorrq_u8(lo, vshlq_n_u8(vandq_u8(hb, vdupq_n_u8(3)), 4));
      (k == 0 ? w.lo : w.hi) = vsubq_s8(vreinterpretq_s8_u8(q), vdupq_n_s8(32));
    }
    return w;
  }
};

}  // namespace tandem::kernels::arm
#endif  // __aarch64__
