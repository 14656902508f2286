// ggml block layouts (ggml-common.h) and the small helpers every (de)quantizer shares.
#pragma once

#include <cstdint>
#include <cstring>

namespace tandem::kernels {

inline constexpr int kQK = 32;     // block size of Q4_0, Q4_1, Q8_0
inline constexpr int kQK_K = 256;  // super-block size of the K-quants

struct BlockQ4_0 {
  uint16_t d;  // fp16 scale
  uint8_t qs[kQK / 2];
};
struct BlockQ4_1 {
  uint16_t d;  // fp16 scale
  uint16_t m;  // fp16 min
  uint8_t qs[kQK / 2];
};
struct BlockQ5_0 {
  uint16_t d;           // fp16 scale
  uint8_t qh[4];        // bit j = fifth bit of element j
  uint8_t qs[kQK / 2];  // low nibbles: element j in the low half, j + 16 in the high half
};
struct BlockQ5_1 {
  uint16_t d;  // fp16 scale
  uint16_t m;  // fp16 min
  uint8_t qh[4];
  uint8_t qs[kQK / 2];
};
struct BlockIQ4_NL {
  uint16_t d;           // fp16 scale
  uint8_t qs[kQK / 2];  // indices into kIq4nlValues, element j low, j + 16 high
};
// IQ4_NL's non-linear 4-bit grid (ggml's kvalues_iq4nl).
inline constexpr int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                            1,    13,   25,  38,  53,  69,  89,  113};
struct BlockQ8_0 {
  uint16_t d;
  int8_t qs[kQK];
};
struct BlockQ4_K {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[12];  // 8 six-bit scales and 8 six-bit mins, packed
  uint8_t qs[kQK_K / 2];
};
struct BlockQ5_K {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[12];  // as Q4_K
  uint8_t
      qh[kQK_K / 8];  // fifth bits: element 64c + l of sub-block 2c/2c+1 at bit 2c/2c+1 of qh[l]
  uint8_t qs[kQK_K / 2];
};
struct BlockQ6_K {
  uint8_t ql[kQK_K / 2];
  uint8_t qh[kQK_K / 4];
  int8_t scales[kQK_K / 16];
  uint16_t d;
};
struct BlockQ2_K {
  uint8_t scales[kQK_K / 16];  // per 16 elements: 4-bit scale (low), 4-bit min (high)
  uint8_t qs[kQK_K / 4];       // 2-bit codes, element l + 32g of a 128-half at bits 2g of qs[l]
  uint16_t d;                  // fp16 scale of the scales
  uint16_t dmin;               // fp16 scale of the mins
};
struct BlockQ3_K {
  uint8_t hmask[kQK_K / 8];  // third bit: element e at bit e / 32 of hmask[e % 32]
  uint8_t qs[kQK_K / 4];     // low two bits, laid out as Q2_K's
  uint8_t scales[12];        // 16 six-bit scales (biased by 32), packed; q3k_scale
  uint16_t d;
};
struct BlockIQ4_XS {
  uint16_t d;
  uint16_t scales_h;             // high 2 bits of the 8 block scales
  uint8_t scales_l[kQK_K / 64];  // low 4 bits, two blocks per byte
  uint8_t qs[kQK_K / 2];         // IQ4_NL indices, per 32-block: element j low, j + 16 high
};
struct BlockQ8_K {
  float d;
  int8_t qs[kQK_K];
  int16_t bsums[kQK_K / 16];
};

static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockIQ4_NL) == 18);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176);
static_assert(sizeof(BlockQ6_K) == 210);
static_assert(sizeof(BlockQ8_K) == 292);
static_assert(sizeof(BlockQ2_K) == 84);
static_assert(sizeof(BlockQ3_K) == 110);
static_assert(sizeof(BlockIQ4_XS) == 136);

inline float bits_to_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
inline uint32_t f32_to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// Branch-free IEEE half -> float (same algorithm as ggml's portable path), inline for kernels.
inline float half_to_float(uint16_t h) {
  const uint32_t w = static_cast<uint32_t>(h) << 16;
  const uint32_t sign = w & 0x80000000u;
  const uint32_t two_w = w + w;
  const float normalized = bits_to_f32((two_w >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
  const float denormalized = bits_to_f32((two_w >> 17) | (126u << 23)) - 0.5f;
  const uint32_t result =
      sign | (two_w < (1u << 27) ? f32_to_bits(denormalized) : f32_to_bits(normalized));
  return bits_to_f32(result);
}

// The 6-bit scale and min of sub-block j of a Q4_K super-block.
inline void q4k_scale_min(int j, const uint8_t* q, uint8_t& sc, uint8_t& m) {
  if (j < 4) {
    sc = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    sc = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    m = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

// The signed scale (-32..31) of 16-element sub-block j of a Q3_K super-block: low 4 bits in
// scales[j] (j < 8) or the high nibble of scales[j - 8], high 2 bits in scales[8 + j % 4].
inline int q3k_scale(const uint8_t* scales, int j) {
  const int lo = j < 8 ? scales[j] & 0xF : scales[j - 8] >> 4;
  const int hi = (scales[8 + j % 4] >> (2 * (j / 4))) & 3;
  return (lo | (hi << 4)) - 32;
}

// The signed scale (-32..31) of 32-block ib of an IQ4_XS super-block.
inline int iq4xs_scale(const BlockIQ4_XS& b, int ib) {
  const int lo = (b.scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF;
  const int hi = (b.scales_h >> (2 * ib)) & 3;
  return (lo | (hi << 4)) - 32;
}

}  // namespace tandem::kernels
