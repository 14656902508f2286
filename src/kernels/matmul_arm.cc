// aarch64 int8 matmul kernels for the row-major quantized types: SDOT (FEAT_DotProd,
// vdotq_s32) and SMMLA (FEAT_I8MM, vmmlaq_s32), which Highway 1.0.3 has no op for. Each is
// compiled for its extension with a target pragma and taken only when the CPU reports it
// (getauxval), so one binary runs on every ARMv8 core; the Highway NEON / SVE targets'
// MatmulItems ask here first and keep their portable kernels as the fallback.
// Integer block dots are exact on every path; only the float summation order differs.
// GCC only: clang (the Android NDK) ignores `#pragma GCC target` and gets the portable path.
#include "kernels/matmul_internal.h"

#if defined(__aarch64__) && defined(__GNUC__) && !defined(__clang__)
#define TANDEM_ARM_INT8_KERNELS 1
#endif

#ifdef TANDEM_ARM_INT8_KERNELS
#include <arm_neon.h>
#include <sys/auxv.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/matmul_arm_blocks.h"
#include "model/ggml_types.h"
#endif

namespace tandem::kernels::detail {

const char* arm_int8_name(ArmInt8 p) {
  switch (p) {
    case ArmInt8::kDotprod:
      return "dotprod";
    case ArmInt8::kI8mm:
      return "i8mm";
    default:
      return "portable";
  }
}

#ifdef TANDEM_ARM_INT8_KERNELS
namespace {

ArmInt8 cpu_path() {
  static const ArmInt8 p = [] {
    if ((getauxval(AT_HWCAP) & HWCAP_ASIMDDP) == 0) return ArmInt8::kPortable;
    // Every core with I8MM has DotProd (the SMMLA kernel's edge rows and tokens use SDOT).
    return (getauxval(AT_HWCAP2) & HWCAP2_I8MM) != 0 ? ArmInt8::kI8mm : ArmInt8::kDotprod;
  }();
  return p;
}

// TANDEM_ARM_INT8=portable|dotprod|i8mm caps the path (for comparisons, like TANDEM_NO_AVXVNNI).
ArmInt8 env_limit() {
  const char* v = std::getenv("TANDEM_ARM_INT8");
  if (v == nullptr || *v == '\0') return ArmInt8::kI8mm;
  for (ArmInt8 p : {ArmInt8::kPortable, ArmInt8::kDotprod, ArmInt8::kI8mm})
    if (std::string(v) == arm_int8_name(p)) return p;
  throw std::invalid_argument(std::string("TANDEM_ARM_INT8=") + v +
                              ": expected portable, dotprod or i8mm");
}

std::atomic<ArmInt8> g_limit{env_limit()};

using model::GgmlType;

// --- SDOT: an R-row x T-token tile, one 32-block at a time ---
#pragma GCC push_options
#pragma GCC target("arch=armv8.2-a+dotprod")  // as arm_neon.h declares vdotq_s32
namespace sdot {

template <class K>
inline int32x4_t BlockDot(const K& k, int j, const arm::W32& w, int8x16_t x0, int8x16_t x1) {
  const int32x4_t z = vdupq_n_s32(0);
  if constexpr (K::kHalfScales) {
    const int32x4_t p = vmulq_n_s32(vdotq_s32(z, w.lo, x0), k.HalfScale(j, 0));
    return vmlaq_n_s32(p, vdotq_s32(z, w.hi, x1), k.HalfScale(j, 1));
  } else {
    return vdotq_s32(vdotq_s32(z, w.lo, x0), w.hi, x1);
  }
}

// out[(t0+t)*rows + r0+r] for r < R, t < T; mc holds R * nb floats of scratch.
template <class K, int R, int T>
__attribute__((noinline)) void Tile(const MatmulArgs& a, int64_t r0, int64_t t0, float* mc) {
  const WeightView& w = *a.w;
  const int64_t cols = w.cols, nb = cols / 32, ng = nb / K::kGroup;
  const uint8_t* rowp[R];
  for (int r = 0; r < R; ++r) rowp[r] = w.row(r0 + r);
  const int8_t* xq[T];
  const float* xd[T];
  for (int t = 0; t < T; ++t) {
    xq[t] = a.acts.q + (t0 + t) * cols;
    xd[t] = a.acts.d + (t0 + t) * nb;
  }
  float32x4_t acc[R][T];
  for (int r = 0; r < R; ++r)
    for (int t = 0; t < T; ++t) acc[r][t] = vdupq_n_f32(0.0f);
  K k[R];
  for (int64_t g = 0; g < ng; ++g) {
    for (int r = 0; r < R; ++r) k[r].Prepare(rowp[r], g, mc + r * nb + g * K::kGroup);
    for (int j = 0; j < K::kGroup; ++j) {
      const int64_t b = g * K::kGroup + j;
      arm::W32 wv[R];
      for (int r = 0; r < R; ++r) wv[r] = k[r].Block(j);
      for (int t = 0; t < T; ++t) {
        const int8x16_t x0 = vld1q_s8(xq[t] + b * 32), x1 = vld1q_s8(xq[t] + b * 32 + 16);
        for (int r = 0; r < R; ++r) {
          const int32x4_t p = BlockDot(k[r], j, wv[r], x0, x1);
          acc[r][t] = vfmaq_n_f32(acc[r][t], vcvtq_f32_s32(p), k[r].scale[j] * xd[t][b]);
        }
      }
    }
  }
  for (int t = 0; t < T; ++t) {
    const float* xs = a.acts.s + (t0 + t) * nb;
    for (int r = 0; r < R; ++r) {
      float v = vaddvq_f32(acc[r][t]);
      if constexpr (K::kHasMin)
        for (int64_t b = 0; b < nb; ++b) v += mc[r * nb + b] * xs[b];
      a.out[(t0 + t) * w.rows + r0 + r] = v;
    }
  }
}

constexpr int kTileR = 2, kTileT = 4;

template <class K, int R>
void RowsTokens(const MatmulArgs& a, int64_t r0, int64_t t0, int64_t t1, float* mc) {
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
void Item(const MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1, float* mc) {
  int64_t r = r0;
  for (; r + kTileR <= r1; r += kTileR) RowsTokens<K, kTileR>(a, r, t0, t1, mc);
  for (; r < r1; ++r) RowsTokens<K, 1>(a, r, t0, t1, mc);
}

}  // namespace sdot
#pragma GCC pop_options

// --- SMMLA: 2 rows x 2 tokens per instruction (8-byte chunks: a 2x8 by 8x2 product) ---
#pragma GCC push_options
#pragma GCC target("arch=armv8.2-a+dotprod+i8mm")
namespace smmla {

// Chunk c (elements 8c..8c+7) of two 32-blocks side by side: [first's chunk, second's chunk].
inline int8x16_t Pair(const arm::W32& p, const arm::W32& q, int c) {
  const int64x2_t a = vreinterpretq_s64_s8(c < 2 ? p.lo : p.hi);
  const int64x2_t b = vreinterpretq_s64_s8(c < 2 ? q.lo : q.hi);
  return vreinterpretq_s8_s64(c % 2 == 0 ? vzip1q_s64(a, b) : vzip2q_s64(a, b));
}

// Rows r0, r0+1 x tokens t0 .. t0+2*TP-1. Lanes of a 2x2 result: (r0,ta) (r0,tb) (r1,ta)
// (r1,tb).
template <class K, int TP>
__attribute__((noinline)) void Tile(const MatmulArgs& a, int64_t r0, int64_t t0, float* mc) {
  const WeightView& w = *a.w;
  const int64_t cols = w.cols, nb = cols / 32, ng = nb / K::kGroup;
  const uint8_t* rowp[2] = {w.row(r0), w.row(r0 + 1)};
  float32x4_t acc[TP];
  for (auto& v : acc) v = vdupq_n_f32(0.0f);
  K k[2];
  for (int64_t g = 0; g < ng; ++g) {
    for (int r = 0; r < 2; ++r) k[r].Prepare(rowp[r], g, mc + r * nb + g * K::kGroup);
    for (int j = 0; j < K::kGroup; ++j) {
      const int64_t b = g * K::kGroup + j;
      const arm::W32 w0 = k[0].Block(j), w1 = k[1].Block(j);
      int8x16_t wc[4];
      for (int c = 0; c < 4; ++c) wc[c] = Pair(w0, w1, c);
      const float32x4_t dw = {k[0].scale[j], k[0].scale[j], k[1].scale[j], k[1].scale[j]};
      for (int tp = 0; tp < TP; ++tp) {
        const int64_t ta = t0 + 2 * tp;
        const int8_t* qa = a.acts.q + ta * cols + b * 32;
        const int8_t* qb = qa + cols;
        const arm::W32 xa{vld1q_s8(qa), vld1q_s8(qa + 16)}, xb{vld1q_s8(qb), vld1q_s8(qb + 16)};
        const int32x4_t z = vdupq_n_s32(0);
        int32x4_t p;
        if constexpr (K::kHalfScales) {
          const int32x4_t h0 =
              vmmlaq_s32(vmmlaq_s32(z, wc[0], Pair(xa, xb, 0)), wc[1], Pair(xa, xb, 1));
          const int32x4_t h1 =
              vmmlaq_s32(vmmlaq_s32(z, wc[2], Pair(xa, xb, 2)), wc[3], Pair(xa, xb, 3));
          const int32x4_t s0 = {k[0].HalfScale(j, 0), k[0].HalfScale(j, 0), k[1].HalfScale(j, 0),
                                k[1].HalfScale(j, 0)};
          const int32x4_t s1 = {k[0].HalfScale(j, 1), k[0].HalfScale(j, 1), k[1].HalfScale(j, 1),
                                k[1].HalfScale(j, 1)};
          p = vmlaq_s32(vmulq_s32(h0, s0), h1, s1);
        } else {
          p = z;
          for (int c = 0; c < 4; ++c) p = vmmlaq_s32(p, wc[c], Pair(xa, xb, c));
        }
        const float da = a.acts.d[ta * nb + b], db = a.acts.d[(ta + 1) * nb + b];
        const float32x4_t dx = {da, db, da, db};
        acc[tp] = vfmaq_f32(acc[tp], vcvtq_f32_s32(p), vmulq_f32(dw, dx));
      }
    }
  }
  for (int tp = 0; tp < TP; ++tp) {
    float v[4];
    vst1q_f32(v, acc[tp]);
    for (int i = 0; i < 4; ++i) {
      const int r = i / 2;
      const int64_t t = t0 + 2 * tp + i % 2;
      if constexpr (K::kHasMin) {
        const float* xs = a.acts.s + t * nb;
        for (int64_t b2 = 0; b2 < nb; ++b2) v[i] += mc[r * nb + b2] * xs[b2];
      }
      a.out[t * w.rows + r0 + r] = v[i];
    }
  }
}

// Token pairs by SMMLA; an odd last token and an odd last row by SDOT.
template <class K>
void Item(const MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1, float* mc) {
  const int64_t t_pairs = t0 + (t1 - t0) / 2 * 2;
  int64_t r = r0;
  for (; r + 2 <= r1; r += 2) {
    int64_t t = t0;
    for (; t + 4 <= t_pairs; t += 4) Tile<K, 2>(a, r, t, mc);
    if (t < t_pairs) Tile<K, 1>(a, r, t, mc);
    if (t_pairs < t1) sdot::Tile<K, 2, 1>(a, r, t_pairs, mc);
  }
  if (r < r1) sdot::RowsTokens<K, 1>(a, r, t0, t1, mc);
}

}  // namespace smmla
#pragma GCC pop_options

template <bool kMmla, class K>
void RunItem(const MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1, float* mc) {
  if constexpr (kMmla) {
    smmla::Item<K>(a, r0, r1, t0, t1, mc);
  } else {
    sdot::Item<K>(a, r0, r1, t0, t1, mc);
  }
}

template <bool kMmla>
bool ItemFor(const MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1, float* mc) {
  switch (a.w->type) {
    case GgmlType::Q4_0:
      RunItem<kMmla, arm::Q4_0>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q4_1:
      RunItem<kMmla, arm::Q4_1>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q5_0:
      RunItem<kMmla, arm::Q5_0>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q5_1:
      RunItem<kMmla, arm::Q5_1>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::IQ4_NL:
      RunItem<kMmla, arm::IQ4_NL>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q8_0:
      RunItem<kMmla, arm::Q8_0>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q4_K:
      RunItem<kMmla, arm::Q4_K>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q5_K:
      RunItem<kMmla, arm::Q5_K>(a, r0, r1, t0, t1, mc);
      return true;
    case GgmlType::Q6_K:
      RunItem<kMmla, arm::Q6_K>(a, r0, r1, t0, t1, mc);
      return true;
    default:
      return false;
  }
}

}  // namespace

ArmInt8 arm_int8_path() {
  return std::min(cpu_path(), g_limit.load(std::memory_order_relaxed));
}

ArmInt8 limit_arm_int8(ArmInt8 max) {
  return g_limit.exchange(max, std::memory_order_relaxed);
}

bool arm_item_int8(const MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1) {
  const ArmInt8 path = arm_int8_path();
  if (path == ArmInt8::kPortable) return false;
  // Per-thread scratch for the min coefficients of a tile's rows.
  thread_local std::vector<float> mc;
  const size_t need = static_cast<size_t>(2 * (a.w->cols / 32));
  if (mc.size() < need) mc.resize(need);
  return path == ArmInt8::kI8mm ? ItemFor<true>(a, r0, r1, t0, t1, mc.data())
                                : ItemFor<false>(a, r0, r1, t0, t1, mc.data());
}

#else  // not aarch64 with GCC: only the portable kernels

ArmInt8 arm_int8_path() {
  return ArmInt8::kPortable;
}
ArmInt8 limit_arm_int8(ArmInt8) {
  return ArmInt8::kI8mm;
}
bool arm_item_int8(const MatmulArgs&, int64_t, int64_t, int64_t, int64_t) {
  return false;
}

#endif  // TANDEM_ARM_INT8_KERNELS

}  // namespace tandem::kernels::detail
