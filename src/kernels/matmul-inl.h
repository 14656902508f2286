// Per-target matmul kernels: matmul.cc includes this once per Highway target.
// Quantized weights are dotted against activations pre-quantized to 8 bits in 32-blocks
// (widened to int16): integer multiply-adds per block, one float scale per block.
#if defined(TANDEM_KERNELS_MATMUL_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TANDEM_KERNELS_MATMUL_INL_H_
#undef TANDEM_KERNELS_MATMUL_INL_H_
#else
#define TANDEM_KERNELS_MATMUL_INL_H_
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "hwy/highway.h"
#include "kernels/matmul_internal.h"
#if HWY_ARCH_X86
#include <immintrin.h>
#endif
#include "kernels/packed_weights.h"
#include "kernels/quant/quant_blocks.h"
#include "model/ggml_types.h"

HWY_BEFORE_NAMESPACE();
// Highway 1.0.3's AVX3_DL target string lacks avx512vnni although its runtime check
// requires it; enable it here (popped by HWY_AFTER_NAMESPACE) for vpdpbusd.
#if HWY_TARGET == HWY_AVX3_DL && defined(__GNUC__) && !defined(__clang__)
#pragma GCC target("avx512vnni")
#define TANDEM_HAVE_VNNI 1
#endif
namespace tandem::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// At most 16 int16 lanes, so every target splits a 32-block the same way (whole vectors
// per 16-element half, which is how Q4 nibbles and Q6_K scales are laid out).
using D16 = hn::CappedTag<int16_t, 16>;
using D32 = hn::Repartition<int32_t, D16>;
using DF = hn::Rebind<float, D32>;
using DU8 = hn::Rebind<uint8_t, D16>;
using DI8 = hn::Rebind<int8_t, D16>;
using V16 = hn::Vec<D16>;
using V32 = hn::Vec<D32>;
using VF = hn::Vec<DF>;
constexpr size_t kN = hn::MaxLanes(D16());
constexpr size_t kV = 32 / kN;  // vectors per 32-block
constexpr size_t kH = 16 / kN;  // vectors per 16-element half

// Integer dot of one 32-block of unpacked weights with 32 int8 activations (portable path).
HWY_INLINE V32 Dot32(const V16* w, const int8_t* x) {
  const D16 d16;
  const D32 d32;
  const DI8 di8;
  V32 s0 = hn::Zero(d32);
  V32 s1 = hn::Zero(d32);
  for (size_t k = 0; k < kV; ++k)
    s0 = hn::ReorderWidenMulAccumulate(d32, w[k], hn::PromoteTo(d16, hn::LoadU(di8, x + k * kN)),
                                       s0, s1);
  return hn::Add(s0, s1);
}

template <int T>
struct TokenPtrs {
  const int8_t* q[T];
  const float* d[T];
  const float* s[T];
};

template <int T>
HWY_INLINE void Finish(const VF* acc, const float* accs, float* res) {
  const DF df;
  for (int t = 0; t < T; ++t) res[t] = hn::GetLane(hn::SumOfLanes(df, acc[t])) + accs[t];
}

template <int T>
HWY_INLINE void DotQ4_0(const uint8_t* row, int64_t nb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DU8 du8;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ4_0*>(row);
  const V16 mask = hn::Set(d16, 0xF);
  const V16 eight = hn::Set(d16, 8);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t b = 0; b < nb; ++b) {
    V16 w[kV];
    for (size_t k = 0; k < kH; ++k) {
      const V16 raw = hn::PromoteTo(d16, hn::LoadU(du8, blk[b].qs + k * kN));
      w[k] = hn::Sub(hn::And(raw, mask), eight);
      w[k + kH] = hn::Sub(hn::ShiftRight<4>(raw), eight);
    }
    const float dw = half_to_float(blk[b].d);
    for (int t = 0; t < T; ++t) {
      const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
      acc[t] = hn::MulAdd(dot, hn::Set(df, dw * x.d[t][b]), acc[t]);
    }
  }
  Finish<T>(acc, accs, res);
}

template <int T>
HWY_INLINE void DotQ4_1(const uint8_t* row, int64_t nb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DU8 du8;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ4_1*>(row);
  const V16 mask = hn::Set(d16, 0xF);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t b = 0; b < nb; ++b) {
    V16 w[kV];
    for (size_t k = 0; k < kH; ++k) {
      const V16 raw = hn::PromoteTo(d16, hn::LoadU(du8, blk[b].qs + k * kN));
      w[k] = hn::And(raw, mask);
      w[k + kH] = hn::ShiftRight<4>(raw);
    }
    const float dw = half_to_float(blk[b].d);
    const float mw = half_to_float(blk[b].m);
    for (int t = 0; t < T; ++t) {
      const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
      acc[t] = hn::MulAdd(dot, hn::Set(df, dw * x.d[t][b]), acc[t]);
      accs[t] += mw * x.s[t][b];  // the min times the block's activation sum
    }
  }
  Finish<T>(acc, accs, res);
}

template <int T>
HWY_INLINE void DotQ5_0(const uint8_t* row, int64_t nb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ5_0*>(row);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t b = 0; b < nb; ++b) {
    uint32_t qh;
    std::memcpy(&qh, blk[b].qh, sizeof qh);
    HWY_ALIGN int16_t vals[32];
    for (int j = 0; j < 16; ++j) {
      const int q = blk[b].qs[j];
      vals[j] = static_cast<int16_t>(((q & 0xF) | (((qh >> j) & 1) << 4)) - 16);
      vals[j + 16] = static_cast<int16_t>(((q >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16);
    }
    V16 w[kV];
    for (size_t k = 0; k < kV; ++k) w[k] = hn::Load(d16, vals + k * kN);
    const float dw = half_to_float(blk[b].d);
    for (int t = 0; t < T; ++t) {
      const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
      acc[t] = hn::MulAdd(dot, hn::Set(df, dw * x.d[t][b]), acc[t]);
    }
  }
  Finish<T>(acc, accs, res);
}

// Q5_1: Q5_0's 5-bit codes unsigned, plus the min times the block's activation sum.
template <int T>
HWY_INLINE void DotQ5_1(const uint8_t* row, int64_t nb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ5_1*>(row);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t b = 0; b < nb; ++b) {
    uint32_t qh;
    std::memcpy(&qh, blk[b].qh, sizeof qh);
    HWY_ALIGN int16_t vals[32];
    for (int j = 0; j < 16; ++j) {
      const int q = blk[b].qs[j];
      vals[j] = static_cast<int16_t>((q & 0xF) | (((qh >> j) & 1) << 4));
      vals[j + 16] = static_cast<int16_t>((q >> 4) | (((qh >> (j + 16)) & 1) << 4));
    }
    V16 w[kV];
    for (size_t k = 0; k < kV; ++k) w[k] = hn::Load(d16, vals + k * kN);
    const float dw = half_to_float(blk[b].d);
    const float mw = half_to_float(blk[b].m);
    for (int t = 0; t < T; ++t) {
      const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
      acc[t] = hn::MulAdd(dot, hn::Set(df, dw * x.d[t][b]), acc[t]);
      accs[t] += mw * x.s[t][b];
    }
  }
  Finish<T>(acc, accs, res);
}

// One 32-block of IQ4 indices (element j in the low nibble of qs[j], j + 16 in the high one)
// -> int16 grid values. A byte shuffle looks up 16 at once where the target has 128-bit
// vectors; scalar lookups otherwise.
HWY_INLINE void UnpackIq4(const uint8_t* qs, V16* w) {
  const D16 d16;
  const DI8 di8;
  HWY_ALIGN int8_t vals[32];
#if HWY_TARGET != HWY_SCALAR
  const hn::Full128<int8_t> d8x16;
  const hn::Full128<uint8_t> du8x16;
  const auto grid = hn::LoadU(d8x16, kIq4nlValues);
  const auto q = hn::LoadU(du8x16, qs);
  const auto lo = hn::BitCast(d8x16, hn::And(q, hn::Set(du8x16, 0xF)));
  const auto hi = hn::BitCast(d8x16, hn::ShiftRight<4>(q));
  hn::Store(hn::TableLookupBytes(grid, lo), d8x16, vals);
  hn::Store(hn::TableLookupBytes(grid, hi), d8x16, vals + 16);
#else
  for (int j = 0; j < 16; ++j) {
    vals[j] = kIq4nlValues[qs[j] & 0xF];
    vals[j + 16] = kIq4nlValues[qs[j] >> 4];
  }
#endif
  for (size_t k = 0; k < kV; ++k) w[k] = hn::PromoteTo(d16, hn::LoadU(di8, vals + k * kN));
}

// IQ4_NL: each 4-bit index picks an int8 grid value; the dot is then Q8_0's.
template <int T>
HWY_INLINE void DotIQ4_NL(const uint8_t* row, int64_t nb, const TokenPtrs<T>& x, float* res) {
  const DF df;
  const auto* blk = reinterpret_cast<const BlockIQ4_NL*>(row);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t b = 0; b < nb; ++b) {
    V16 w[kV];
    UnpackIq4(blk[b].qs, w);
    const float dw = half_to_float(blk[b].d);
    for (int t = 0; t < T; ++t) {
      const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
      acc[t] = hn::MulAdd(dot, hn::Set(df, dw * x.d[t][b]), acc[t]);
    }
  }
  Finish<T>(acc, accs, res);
}

template <int T>
HWY_INLINE void DotQ8_0(const uint8_t* row, int64_t nb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DI8 di8;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ8_0*>(row);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t b = 0; b < nb; ++b) {
    V16 w[kV];
    for (size_t k = 0; k < kV; ++k) w[k] = hn::PromoteTo(d16, hn::LoadU(di8, blk[b].qs + k * kN));
    const float dw = half_to_float(blk[b].d);
    for (int t = 0; t < T; ++t) {
      const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
      acc[t] = hn::MulAdd(dot, hn::Set(df, dw * x.d[t][b]), acc[t]);
    }
  }
  Finish<T>(acc, accs, res);
}

// Q4_K and Q5_K: super-blocks of 8 sub-blocks with 6-bit scales and mins, 64 elements per
// step c (low codes are sub-block 2c, high codes 2c+1). `unpack(block, c, lo, hi)` gives the
// step's codes; everything else is shared.
template <int T, class Block, class Unpack>
HWY_INLINE void DotScaleMinK(const uint8_t* row, int64_t nsb, const TokenPtrs<T>& x, float* res,
                             const Unpack& unpack) {
  const DF df;
  const auto* blk = reinterpret_cast<const Block*>(row);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t i = 0; i < nsb; ++i) {
    const float d = half_to_float(blk[i].d);
    const float dmin = half_to_float(blk[i].dmin);
    for (int c = 0; c < 4; ++c) {
      V16 lo[kV], hi[kV];
      unpack(blk[i], c, lo, hi);
      uint8_t sc0, m0, sc1, m1;
      q4k_scale_min(2 * c, blk[i].scales, sc0, m0);
      q4k_scale_min(2 * c + 1, blk[i].scales, sc1, m1);
      const float d0 = d * sc0, d1 = d * sc1;
      const float mm0 = dmin * m0, mm1 = dmin * m1;
      const int64_t b0 = i * 8 + 2 * c;
      for (int t = 0; t < T; ++t) {
        const VF dot0 = hn::ConvertTo(df, Dot32(lo, x.q[t] + b0 * 32));
        const VF dot1 = hn::ConvertTo(df, Dot32(hi, x.q[t] + (b0 + 1) * 32));
        acc[t] = hn::MulAdd(dot0, hn::Set(df, d0 * x.d[t][b0]), acc[t]);
        acc[t] = hn::MulAdd(dot1, hn::Set(df, d1 * x.d[t][b0 + 1]), acc[t]);
        accs[t] -= mm0 * x.s[t][b0] + mm1 * x.s[t][b0 + 1];
      }
    }
  }
  Finish<T>(acc, accs, res);
}

template <int T>
HWY_INLINE void DotQ4_K(const uint8_t* row, int64_t nsb, const TokenPtrs<T>& x, float* res) {
  DotScaleMinK<T, BlockQ4_K>(row, nsb, x, res,
                             [](const BlockQ4_K& b, int c, V16* lo, V16* hi) HWY_ATTR {
                               const D16 d16;
                               const DU8 du8;
                               const V16 mask = hn::Set(d16, 0xF);
                               const uint8_t* q = b.qs + 32 * c;
                               for (size_t k = 0; k < kV; ++k) {
                                 const V16 raw = hn::PromoteTo(d16, hn::LoadU(du8, q + k * kN));
                                 lo[k] = hn::And(raw, mask);
                                 hi[k] = hn::ShiftRight<4>(raw);
                               }
                             });
}

// Q5_K: Q4_K's nibbles plus a fifth bit from qh (bit 2c for the low codes, 2c+1 the high).
template <int T>
HWY_INLINE void DotQ5_K(const uint8_t* row, int64_t nsb, const TokenPtrs<T>& x, float* res) {
  DotScaleMinK<T, BlockQ5_K>(row, nsb, x, res,
                             [](const BlockQ5_K& b, int c, V16* lo, V16* hi) HWY_ATTR {
                               const D16 d16;
                               const uint8_t* q = b.qs + 32 * c;
                               HWY_ALIGN int16_t vlo[32], vhi[32];
                               for (int l = 0; l < 32; ++l) {
                                 const int h = b.qh[l] >> (2 * c);
                                 vlo[l] = static_cast<int16_t>((q[l] & 0xF) | ((h & 1) << 4));
                                 vhi[l] = static_cast<int16_t>((q[l] >> 4) | ((h & 2) << 3));
                               }
                               for (size_t k = 0; k < kV; ++k) {
                                 lo[k] = hn::Load(d16, vlo + k * kN);
                                 hi[k] = hn::Load(d16, vhi + k * kN);
                               }
                             });
}

template <int T>
HWY_INLINE void DotQ6_K(const uint8_t* row, int64_t nsb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DU8 du8;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ6_K*>(row);
  const V16 m4 = hn::Set(d16, 0xF);
  const V16 m2 = hn::Set(d16, 3);
  const V16 off = hn::Set(d16, 32);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t i = 0; i < nsb; ++i) {
    const float d = half_to_float(blk[i].d);
    // Each 128-element half holds four 32-blocks g=0..3 built from ql/qh bit fields;
    // block g uses the 16-element scales sc[2g] and sc[2g+1].
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = blk[i].ql + 64 * h;
      const uint8_t* qh = blk[i].qh + 32 * h;
      const int8_t* sc = blk[i].scales + 8 * h;
      V16 w[4][kV];
      for (size_t k = 0; k < kV; ++k) {
        const V16 l0 = hn::PromoteTo(d16, hn::LoadU(du8, ql + k * kN));
        const V16 l1 = hn::PromoteTo(d16, hn::LoadU(du8, ql + 32 + k * kN));
        const V16 hb = hn::PromoteTo(d16, hn::LoadU(du8, qh + k * kN));
        const V16 q0 = hn::Or(hn::And(l0, m4), hn::ShiftLeft<4>(hn::And(hb, m2)));
        const V16 q1 =
            hn::Or(hn::And(l1, m4), hn::ShiftLeft<4>(hn::And(hn::ShiftRight<2>(hb), m2)));
        const V16 q2 =
            hn::Or(hn::ShiftRight<4>(l0), hn::ShiftLeft<4>(hn::And(hn::ShiftRight<4>(hb), m2)));
        const V16 q3 = hn::Or(hn::ShiftRight<4>(l1), hn::ShiftLeft<4>(hn::ShiftRight<6>(hb)));
        const size_t half = (k * kN) / 16;
        // |(q-32)*scale| <= 4096 fits int16, so the sub-block scale goes in before the madd.
        w[0][k] = hn::Mul(hn::Sub(q0, off), hn::Set(d16, sc[0 + half]));
        w[1][k] = hn::Mul(hn::Sub(q1, off), hn::Set(d16, sc[2 + half]));
        w[2][k] = hn::Mul(hn::Sub(q2, off), hn::Set(d16, sc[4 + half]));
        w[3][k] = hn::Mul(hn::Sub(q3, off), hn::Set(d16, sc[6 + half]));
      }
      const int64_t b0 = i * 8 + 4 * h;
      for (int t = 0; t < T; ++t) {
        for (int g = 0; g < 4; ++g) {
          const VF dot = hn::ConvertTo(df, Dot32(w[g], x.q[t] + (b0 + g) * 32));
          acc[t] = hn::MulAdd(dot, hn::Set(df, d * x.d[t][b0 + g]), acc[t]);
        }
      }
    }
  }
  Finish<T>(acc, accs, res);
}

#include "kernels/matmul_lowbit-inl.h"

// Float weights (F32, F16, BF16): plain FMA against float activations.
template <model::GgmlType kType>
struct FloatWeights;
template <>
struct FloatWeights<model::GgmlType::F32> {
  template <class D>
  static HWY_INLINE hn::Vec<D> Load(D d, const uint8_t* p, int64_t c) {
    return hn::LoadU(d, reinterpret_cast<const float*>(p) + c);
  }
  static float At(const uint8_t* p, int64_t c) { return reinterpret_cast<const float*>(p)[c]; }
};
template <>
struct FloatWeights<model::GgmlType::F16> {
  template <class D>
  static HWY_INLINE hn::Vec<D> Load(D d, const uint8_t* p, int64_t c) {
    const hn::Rebind<hwy::float16_t, D> dh;
    return hn::PromoteTo(d, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(p) + c));
  }
  static float At(const uint8_t* p, int64_t c) {
    return half_to_float(reinterpret_cast<const uint16_t*>(p)[c]);
  }
};
template <>
struct FloatWeights<model::GgmlType::BF16> {
  template <class D>
  static HWY_INLINE hn::Vec<D> Load(D d, const uint8_t* p, int64_t c) {
    const hn::Rebind<hwy::bfloat16_t, D> dh;
    return hn::PromoteTo(d, hn::LoadU(dh, reinterpret_cast<const hwy::bfloat16_t*>(p) + c));
  }
  static float At(const uint8_t* p, int64_t c) {
    return bits_to_f32(static_cast<uint32_t>(reinterpret_cast<const uint16_t*>(p)[c]) << 16);
  }
};

template <int T, model::GgmlType kType>
HWY_INLINE void DotFloat(const uint8_t* row, int64_t cols, const float* x, float* res) {
  using W = FloatWeights<kType>;
  const hn::ScalableTag<float> df;
  using V = hn::Vec<decltype(df)>;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  V acc0[T], acc1[T];
  for (int t = 0; t < T; ++t) acc0[t] = acc1[t] = hn::Zero(df);
  int64_t c = 0;
  for (; c + 2 * N <= cols; c += 2 * N) {
    const V w0 = W::Load(df, row, c);
    const V w1 = W::Load(df, row, c + N);
    for (int t = 0; t < T; ++t) {
      acc0[t] = hn::MulAdd(w0, hn::LoadU(df, x + t * cols + c), acc0[t]);
      acc1[t] = hn::MulAdd(w1, hn::LoadU(df, x + t * cols + c + N), acc1[t]);
    }
  }
  for (; c + N <= cols; c += N) {
    const V w0 = W::Load(df, row, c);
    for (int t = 0; t < T; ++t) acc0[t] = hn::MulAdd(w0, hn::LoadU(df, x + t * cols + c), acc0[t]);
  }
  for (int t = 0; t < T; ++t) res[t] = hn::GetLane(hn::SumOfLanes(df, hn::Add(acc0[t], acc1[t])));
  for (; c < cols; ++c) {
    const float wv = W::At(row, c);
    for (int t = 0; t < T; ++t) res[t] += wv * x[t * cols + c];
  }
}

template <int T>
HWY_INLINE void RowDot(const detail::MatmulArgs& a, int64_t r, int64_t t0, float* res) {
  using model::GgmlType;
  const WeightView& w = *a.w;
  const uint8_t* row = w.row(r);
  const int64_t cols = w.cols;
  switch (w.type) {
    case GgmlType::F32:
      return DotFloat<T, GgmlType::F32>(row, cols, a.x + t0 * cols, res);
    case GgmlType::F16:
      return DotFloat<T, GgmlType::F16>(row, cols, a.x + t0 * cols, res);
    case GgmlType::BF16:
      return DotFloat<T, GgmlType::BF16>(row, cols, a.x + t0 * cols, res);
    default:
      break;
  }
  const int64_t nb = cols / 32;
  TokenPtrs<T> x;
  for (int t = 0; t < T; ++t) {
    x.q[t] = a.acts.q + (t0 + t) * cols;
    x.d[t] = a.acts.d + (t0 + t) * nb;
    x.s[t] = a.acts.s + (t0 + t) * nb;
  }
  switch (w.type) {
    case GgmlType::Q4_0:
      return DotQ4_0<T>(row, nb, x, res);
    case GgmlType::Q4_1:
      return DotQ4_1<T>(row, nb, x, res);
    case GgmlType::Q5_0:
      return DotQ5_0<T>(row, nb, x, res);
    case GgmlType::Q5_1:
      return DotQ5_1<T>(row, nb, x, res);
    case GgmlType::IQ4_NL:
      return DotIQ4_NL<T>(row, nb, x, res);
    case GgmlType::Q8_0:
      return DotQ8_0<T>(row, nb, x, res);
    case GgmlType::Q4_K:
      return DotQ4_K<T>(row, cols / 256, x, res);
    case GgmlType::Q5_K:
      return DotQ5_K<T>(row, cols / 256, x, res);
    case GgmlType::Q6_K:
      return DotQ6_K<T>(row, cols / 256, x, res);
    case GgmlType::Q2_K:
      return DotQ2_K<T>(row, cols / 256, x, res);
    case GgmlType::Q3_K:
      return DotQ3_K<T>(row, cols / 256, x, res);
    case GgmlType::IQ4_XS:
      return DotIQ4_XS<T>(row, cols / 256, x, res);
    default:
      for (int t = 0; t < T; ++t) res[t] = 0.0f;  // matmul() rejects other types up front
  }
}

template <int T>
HWY_NOINLINE void TileRows(const detail::MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0) {
  const int64_t rows = a.w->rows;
  float res[T];
  for (int64_t r = r0; r < r1; ++r) {
    RowDot<T>(a, r, t0, res);
    for (int t = 0; t < T; ++t) a.out[(t0 + t) * rows + r] = res[t];
  }
}

#include "kernels/matmul_packed-inl.h"
#include "kernels/matmul_x86-inl.h"
// The AVX2 target again with AVX-VNNI's vpdpbusd (one instruction instead of vpmaddubsw +
// vpmaddwd), chosen at run time on CPUs that have it (laptops without AVX-512).
#if HWY_TARGET == HWY_AVX2 && defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC target("avxvnni")
#define TANDEM_X86_NS x86_vnni
#define TANDEM_X86_AVXVNNI 1
#include "kernels/matmul_x86-inl.h"
namespace x86_vnni {
// Not inlined: its callers are compiled without AVX-VNNI.
HWY_NOINLINE bool ItemInt8Entry(const detail::MatmulArgs& a, int64_t r0, int64_t r1, int64_t t,
                                int64_t t_end, float* mc) {
  return ItemInt8(a, r0, r1, t, t_end, mc);
}
}  // namespace x86_vnni
#undef TANDEM_X86_AVXVNNI
#pragma GCC pop_options
#define TANDEM_HAVE_AVXVNNI_COPY 1
#endif

// One token's activations -> int8 32-blocks (see detail::quantize_acts). Float ops match the
// scalar definition (same max, same d = amax / 127, x * (1/d), round to nearest even), so
// every target produces identical values.
void QuantizeActs(const float* x, int64_t cols, int8_t* q, float* d, float* s, int32_t* isum,
                  int64_t stride, int32_t isum_scale, int32_t* isum16) {
  const hn::CappedTag<float, 16> df;
  const hn::Rebind<int32_t, decltype(df)> di;
  const hn::Rebind<int16_t, decltype(df)> d16;
  const hn::Rebind<int8_t, decltype(df)> d8t;
  const size_t N = hn::Lanes(df);
  for (int64_t b = 0; b < cols / 32; ++b) {
    const float* xb = x + b * 32;
    auto vmax = hn::Zero(df);
    for (size_t i = 0; i < 32; i += N) vmax = hn::Max(vmax, hn::Abs(hn::LoadU(df, xb + i)));
    const float amax = hn::GetLane(hn::MaxOfLanes(df, vmax));
    const float db = amax / 127.0f;
    const float id = db != 0.0f ? 1.0f / db : 0.0f;
    const auto vid = hn::Set(df, id);
    auto vsum = hn::Zero(di);
    int32_t half_sum[2] = {0, 0};
    for (size_t i = 0; i < 32; i += N) {
      const auto qi = hn::NearestInt(hn::Mul(hn::LoadU(df, xb + i), vid));
      vsum = hn::Add(vsum, qi);
      if (isum16 != nullptr) half_sum[i / 16] += hn::GetLane(hn::SumOfLanes(di, qi));
      hn::StoreU(hn::DemoteTo(d8t, hn::DemoteTo(d16, qi)), d8t, q + b * 32 * stride + i);
    }
    const int32_t sum = hn::GetLane(hn::SumOfLanes(di, vsum));
    if (isum16 != nullptr) {
      isum16[2 * b * stride] = isum_scale * half_sum[0];
      isum16[2 * b * stride + 1] = isum_scale * half_sum[1];
    }
    d[b * stride] = db;
    s[b * stride] = db * static_cast<float>(sum);
    isum[b * stride] = isum_scale * sum;
  }
}

void MatmulItems(const detail::MatmulArgs& a, int64_t begin, int64_t end) {
#ifdef TANDEM_MATMUL_X86
  // Per-thread scratch for the min / offset coefficients of a tile's rows.
  thread_local std::vector<float> mc;
  const size_t need = static_cast<size_t>(x86::kTileR * (a.w->cols / 32 + 8));
  if (mc.size() < need) mc.resize(need);
#endif
  for (int64_t item = begin; item < end; ++item) {
    const int64_t rb = item / a.n_token_tiles;
    const int64_t tt = item % a.n_token_tiles;
    const int64_t r0 = rb * a.row_block;
    const int64_t r1 = std::min(a.w->rows, r0 + a.row_block);
    const int64_t t_end = std::min(a.n_tokens, (tt + 1) * a.token_tile);
    int64_t t = tt * a.token_tile;
#ifdef TANDEM_HAVE_AVXVNNI_COPY
    if (HasAvxVnni() ? x86_vnni::ItemInt8Entry(a, r0, r1, t, t_end, mc.data())
                     : x86::ItemInt8(a, r0, r1, t, t_end, mc.data()))
      continue;
#elif defined(TANDEM_MATMUL_X86)
    if (x86::ItemInt8(a, r0, r1, t, t_end, mc.data())) continue;
#elif HWY_ARCH_ARM_A64 && HWY_TARGET != HWY_EMU128 && HWY_TARGET != HWY_SCALAR
    // SDOT / SMMLA where the CPU has them (matmul_arm.cc); these kernels otherwise.
    if (detail::arm_item_int8(a, r0, r1, t, t_end)) continue;
#endif
    for (; t + 4 <= t_end; t += 4) TileRows<4>(a, r0, r1, t);
    switch (t_end - t) {
      case 3:
        TileRows<3>(a, r0, r1, t);
        break;
      case 2:
        TileRows<2>(a, r0, r1, t);
        break;
      case 1:
        TileRows<1>(a, r0, r1, t);
        break;
      default:
        break;
    }
  }
}

int64_t TargetId() {
  return HWY_TARGET;
}

}  // namespace tandem::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();
#undef TANDEM_MATMUL_X86
#undef TANDEM_HAVE_AVXVNNI_COPY
#undef TANDEM_MATMUL_AVX512
#undef TANDEM_MATMUL_PACKED
#undef TANDEM_HAVE_VNNI

#endif  // include guard toggle
