// x86 int8 kernels (AVX2, AVX3, AVX3_DL), included by matmul-inl.h inside the per-target
// namespace. One 32-block of weights is one 256-bit register of bytes; the dot with 32 int8
// activations is u8 x s8 -> int32 (VNNI vpdpbusd on AVX3_DL, the VEX-encoded AVX-VNNI
// vpdpbusd in the AVX2 target's second copy, namespace TANDEM_X86_NS = x86_vnni, which
// matmul-inl.h compiles for CPUs such as Intel's since Alder Lake; vpmaddubsw + vpmaddwd
// otherwise). Signed weights use the abs/sign trick; unsigned ones (nibbles) feed the dot
// directly and their offset / min is added afterwards from the activation block sums.
// A tile is R rows x T tokens: each weight block is unpacked once and reused for T tokens.
// No include guard: this is re-included per target, like matmul-inl.h.

#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
#define TANDEM_MATMUL_X86 1
#ifndef TANDEM_X86_NS
#define TANDEM_X86_NS x86
#endif

namespace TANDEM_X86_NS {

// u8 x s8 -> 8 int32 sums, lane i covering bytes 4i..4i+3 (both instruction paths agree).
HWY_INLINE __m256i DotU8S8(__m256i u, __m256i s) {
#if HWY_TARGET == HWY_AVX3_DL && defined(TANDEM_HAVE_VNNI)
  return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#elif defined(TANDEM_X86_AVXVNNI)
  return _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), u, s);
#else
  // |u*s + u*s| <= 2 * 128 * 127 fits int16, so maddubs never saturates here.
  return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

HWY_INLINE float HalfToF32(uint16_t h) {
  return _cvtsh_ss(h);
}

HWY_INLINE float HSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

HWY_INLINE __m256i Nibbles16(const uint8_t* qs) {
  const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q, 4), q), _mm256_set1_epi8(0xF));
}

// 32 bits -> 32 bytes, 0xFF where the bit is set.
HWY_INLINE __m256i BytesFromBits(uint32_t bits) {
  const __m256i shuf =
      _mm256_setr_epi64x(0, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303);
  __m256i b = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(bits)), shuf);
  b = _mm256_or_si256(b, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
  return _mm256_cmpeq_epi8(b, _mm256_set1_epi64x(-1));
}

// Per-type unpackers. A group is the blocks sharing one header (1 for 32-block types, 8 for
// K-quant super-blocks). Prepare reads the header, writes the per-block coefficients of the
// activation sums s = d_x * sum(q_x) into mc (when kHasMin), and Block(j) yields the weights
// (u = unsigned bytes for the dot, s = sign source when kSigned) and the scale vector.
struct Q4_0 {
  static constexpr int kGroup = 1;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  const BlockQ4_0* blk;
  float d;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ4_0*>(row) + g;
    d = HalfToF32(blk->d);
    *mc = -8.0f * d;  // nibbles are stored +8
  }
  HWY_INLINE void Block(int, __m256i& u, __m256i&, __m256& sc) const {
    u = Nibbles16(blk->qs);
    sc = _mm256_set1_ps(d);
  }
};

struct Q4_1 {
  static constexpr int kGroup = 1;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  const BlockQ4_1* blk;
  float d;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ4_1*>(row) + g;
    d = HalfToF32(blk->d);
    *mc = HalfToF32(blk->m);
  }
  HWY_INLINE void Block(int, __m256i& u, __m256i&, __m256& sc) const {
    u = Nibbles16(blk->qs);
    sc = _mm256_set1_ps(d);
  }
};

struct Q5_0 {
  static constexpr int kGroup = 1;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  const BlockQ5_0* blk;
  float d;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ5_0*>(row) + g;
    d = HalfToF32(blk->d);
    *mc = -16.0f * d;
  }
  HWY_INLINE void Block(int, __m256i& u, __m256i&, __m256& sc) const {
    uint32_t qh;
    std::memcpy(&qh, blk->qh, sizeof qh);
    const __m256i hi = _mm256_and_si256(BytesFromBits(qh), _mm256_set1_epi8(0x10));
    u = _mm256_or_si256(Nibbles16(blk->qs), hi);
    sc = _mm256_set1_ps(d);
  }
};

struct Q8_0 {
  static constexpr int kGroup = 1;
  static constexpr bool kSigned = true;
  static constexpr bool kHasMin = false;
  const BlockQ8_0* blk;
  float d;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockQ8_0*>(row) + g;
    d = HalfToF32(blk->d);
  }
  HWY_INLINE void Block(int, __m256i& u, __m256i& s, __m256& sc) const {
    s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qs));
    u = _mm256_abs_epi8(s);  // -128 becomes 128 as an unsigned byte: still exact
    sc = _mm256_set1_ps(d);
  }
};

struct Q4_K {
  static constexpr int kGroup = 8;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  const BlockQ4_K* blk;
  HWY_ALIGN float scale[8];
  // ggml's 12-byte layout -> 8 six-bit scales then 8 six-bit mins, as bytes.
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ4_K*>(row) + g;
    uint32_t u[4];
    std::memcpy(u, blk->scales, 12);
    constexpr uint32_t k1 = 0x3f3f3f3f, k2 = 0x0f0f0f0f, k3 = 0x03030303;
    u[3] = ((u[2] >> 4) & k2) | (((u[1] >> 6) & k3) << 4);
    const uint32_t mins_lo = u[1] & k1;
    u[1] = (u[2] & k2) | (((u[0] >> 6) & k3) << 4);
    u[2] = mins_lo;
    u[0] &= k1;
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u));
    const __m256 sc = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
    const __m256 mn = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)));
    _mm256_store_ps(scale, _mm256_mul_ps(sc, _mm256_set1_ps(HalfToF32(blk->d))));
    _mm256_storeu_ps(mc, _mm256_mul_ps(mn, _mm256_set1_ps(-HalfToF32(blk->dmin))));
  }
  HWY_INLINE void Block(int j, __m256i& u, __m256i&, __m256& sc) const {
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qs + 32 * (j >> 1)));
    u = _mm256_and_si256((j & 1) ? _mm256_srli_epi16(q, 4) : q, _mm256_set1_epi8(0xF));
    sc = _mm256_broadcast_ss(scale + j);
  }
};

struct Q6_K {
  static constexpr int kGroup = 8;
  static constexpr bool kSigned = true;
  static constexpr bool kHasMin = false;
  const BlockQ6_K* blk;
  HWY_ALIGN float scale[16];
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockQ6_K*>(row) + g;
    const __m256 d = _mm256_set1_ps(HalfToF32(blk->d));
    const __m128i s8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk->scales));
    _mm256_store_ps(scale, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(s8))));
    _mm256_store_ps(
        scale + 8,
        _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(s8, 8)))));
  }
  // Block j = 4h + g of the super-block: low 4 bits from ql, high 2 from qh (ggml layout).
  HWY_INLINE void Block(int j, __m256i& u, __m256i& s, __m256& sc) const {
    const int h = j >> 2, g = j & 3;
    const __m256i m4 = _mm256_set1_epi8(0xF);
    const __m256i m2 = _mm256_set1_epi8(3);
    const __m256i l =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->ql + 64 * h + 32 * (g & 1)));
    const __m256i hb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk->qh + 32 * h));
    const __m256i lo = _mm256_and_si256(g >= 2 ? _mm256_srli_epi16(l, 4) : l, m4);
    __m256i hi;
    switch (g) {
      case 0:
        hi = hb;
        break;
      case 1:
        hi = _mm256_srli_epi16(hb, 2);
        break;
      case 2:
        hi = _mm256_srli_epi16(hb, 4);
        break;
      default:
        hi = _mm256_srli_epi16(hb, 6);
        break;
    }
    const __m256i q = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(hi, m2), 4));
    s = _mm256_sub_epi8(q, _mm256_set1_epi8(32));
    u = _mm256_abs_epi8(s);
    // Lanes 0-3 of the dot hold elements 0-15, lanes 4-7 elements 16-31.
    const float* p = scale + 8 * h + 2 * g;
    sc = _mm256_set_m128(_mm_broadcast_ss(p + 1), _mm_broadcast_ss(p));
  }
};

// out[(t0+t)*rows + r0+r] for r < R, t < T. mc holds R * nb floats of scratch.
template <class K, int R, int T>
HWY_NOINLINE void Tile(const detail::MatmulArgs& a, int64_t r0, int64_t t0, float* mc) {
  const WeightView& w = *a.w;
  const int64_t cols = w.cols, nb = cols / 32;
  const int64_t ng = nb / K::kGroup;
  const uint8_t* rowp[R];
  for (int r = 0; r < R; ++r) rowp[r] = w.row(r0 + r);
  const int8_t* xq[T];
  const float* xd[T];
  for (int t = 0; t < T; ++t) {
    xq[t] = a.acts.q + (t0 + t) * cols;
    xd[t] = a.acts.d + (t0 + t) * nb;
  }
  __m256 acc[R][T];
  for (int r = 0; r < R; ++r)
    for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
  K k[R];
  for (int64_t g = 0; g < ng; ++g) {
    for (int r = 0; r < R; ++r) {
      k[r].Prepare(rowp[r], g, mc + r * nb + g * K::kGroup);
      // Decode streams rows from memory once: ask for them early.
      if constexpr (T == 1)
        _mm_prefetch(reinterpret_cast<const char*>(k[r].blk) + 1024, _MM_HINT_T0);
    }
    for (int j = 0; j < K::kGroup; ++j) {
      const int64_t b = g * K::kGroup + j;
      __m256i u[R], s[R];
      __m256 sc[R];
      for (int r = 0; r < R; ++r) k[r].Block(j, u[r], s[r], sc[r]);
      for (int t = 0; t < T; ++t) {
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq[t] + b * 32));
        const __m256 dx = _mm256_broadcast_ss(xd[t] + b);
        for (int r = 0; r < R; ++r) {
          __m256i p;
          if constexpr (K::kSigned) {
            p = DotU8S8(u[r], _mm256_sign_epi8(x, s[r]));
          } else {
            p = DotU8S8(u[r], x);
          }
          acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(sc[r], dx), acc[r][t]);
        }
      }
    }
  }
  // Reduce in a loop nest GCC fully unrolls, so acc stays in registers in the main loop.
  float sums[R][T];
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 32
    for (int t = 0; t < T; ++t) sums[r][t] = HSum(acc[r][t]);
  const int64_t rows = w.rows;
  for (int t = 0; t < T; ++t) {
    const float* xs = a.acts.s + (t0 + t) * nb;
    for (int r = 0; r < R; ++r) {
      float v = sums[r][t];
      if constexpr (K::kHasMin) {
        const float* m = mc + r * nb;
        __m256 macc = _mm256_setzero_ps();
        int64_t b = 0;
        for (; b + 8 <= nb; b += 8)
          macc = _mm256_fmadd_ps(_mm256_loadu_ps(m + b), _mm256_loadu_ps(xs + b), macc);
        v += HSum(macc);
        for (; b < nb; ++b) v += m[b] * xs[b];
      }
      a.out[(t0 + t) * rows + r0 + r] = v;
    }
  }
}

#if HWY_TARGET == HWY_AVX2
constexpr int kTileR = 2;  // 16 ymm registers: 2x4 accumulators plus operands
#else
constexpr int kTileR = 4;  // 32 registers on AVX-512 targets
#endif
constexpr int kTileT = 4;

template <class K, int R>
HWY_INLINE void RowsTokens(const detail::MatmulArgs& a, int64_t r0, int64_t t0, int64_t t1,
                           float* mc) {
  int64_t t = t0;
  for (; t + kTileT <= t1; t += kTileT) Tile<K, R, kTileT>(a, r0, t, mc);
  switch (t1 - t) {
    case 3:
      return Tile<K, R, 3>(a, r0, t, mc);
    case 2:
      return Tile<K, R, 2>(a, r0, t, mc);
    case 1:
      return Tile<K, R, 1>(a, r0, t, mc);
    default:
      return;
  }
}

template <class K>
HWY_NOINLINE void Item(const detail::MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1,
                       float* mc) {
  int64_t r = r0;
  for (; r + kTileR <= r1; r += kTileR) RowsTokens<K, kTileR>(a, r, t0, t1, mc);
  for (; r < r1; ++r) RowsTokens<K, 1>(a, r, t0, t1, mc);
}

#include "kernels/matmul_avx512-inl.h"

// Returns false for the weight types this path leaves to the portable kernels.
HWY_INLINE bool ItemInt8(const detail::MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0,
                         int64_t t1, float* mc) {
  using model::GgmlType;
#ifdef TANDEM_MATMUL_AVX512
  if ((a.w->cols / 32) % 2 == 0) {  // whole block pairs
    switch (a.w->type) {
      case GgmlType::Q4_0:
        z::Item<z::Q4_0>(a, r0, r1, t0, t1, mc);
        return true;
      case GgmlType::Q4_1:
        z::Item<z::Q4_1>(a, r0, r1, t0, t1, mc);
        return true;
      case GgmlType::Q5_0:
        z::Item<z::Q5_0>(a, r0, r1, t0, t1, mc);
        return true;
      case GgmlType::Q8_0:
        z::Item<z::Q8_0>(a, r0, r1, t0, t1, mc);
        return true;
      case GgmlType::Q4_K:
        z::Item<z::Q4_K>(a, r0, r1, t0, t1, mc);
        return true;
      case GgmlType::Q6_K:
        z::Item<z::Q6_K>(a, r0, r1, t0, t1, mc);
        return true;
      default:
        return false;
    }
  }
#endif
  switch (a.w->type) {
    case GgmlType::Q4_0:
      Item<Q4_0>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q4_1:
      Item<Q4_1>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q5_0:
      Item<Q5_0>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q8_0:
      Item<Q8_0>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q4_K:
      Item<Q4_K>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q6_K:
      Item<Q6_K>(a, r0, r1, t0, t1, mc);
      return true;
    default:
      return false;
  }
}

}  // namespace TANDEM_X86_NS
#undef TANDEM_X86_NS

#endif  // x86 targets
