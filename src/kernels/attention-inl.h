// Per-target attention kernel: attention.cc includes this once per Highway target.
#if defined(TANDEM_KERNELS_ATTENTION_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TANDEM_KERNELS_ATTENTION_INL_H_
#undef TANDEM_KERNELS_ATTENTION_INL_H_
#else
#define TANDEM_KERNELS_ATTENTION_INL_H_
#endif

#include <algorithm>
#include <cmath>
#include <vector>

#include "hwy/highway.h"
#include "kernels/attention.h"
#include "kernels/quant_formats.h"

HWY_BEFORE_NAMESPACE();
namespace tandem::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr int64_t kTile = 32;  // keys converted to float and scored per step

// Converts `n` positions of one head to floats (rows of head_dim, contiguous).
HWY_INLINE void LoadTile(const uint8_t* base, size_t stride, model::GgmlType type, int64_t n,
                         int64_t head_dim, float* dst) {
  for (int64_t j = 0; j < n; ++j) {
    const uint8_t* src = base + static_cast<size_t>(j) * stride;
    float* row = dst + j * head_dim;
    if (type == model::GgmlType::F32) {
      std::copy_n(reinterpret_cast<const float*>(src), head_dim, row);
    } else if (type == model::GgmlType::F16) {
      const hn::ScalableTag<float> df;
      const hn::Rebind<hwy::float16_t, decltype(df)> dh;
      const auto* h = reinterpret_cast<const hwy::float16_t*>(src);
      const int64_t N = static_cast<int64_t>(hn::Lanes(df));
      int64_t d = 0;
      for (; d + N <= head_dim; d += N)
        hn::StoreU(hn::PromoteTo(df, hn::LoadU(dh, h + d)), df, row + d);
      if (d < head_dim)
        dequantize(type, reinterpret_cast<const uint16_t*>(src) + d, row + d, head_dim - d);
    } else {
      dequantize(type, src, row, head_dim);
    }
  }
}

HWY_INLINE float Dot(const float* a, const float* b, int64_t n) {
  const hn::ScalableTag<float> df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  auto s0 = hn::Zero(df), s1 = hn::Zero(df);
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    s0 = hn::MulAdd(hn::LoadU(df, a + i), hn::LoadU(df, b + i), s0);
    s1 = hn::MulAdd(hn::LoadU(df, a + i + N), hn::LoadU(df, b + i + N), s1);
  }
  for (; i + N <= n; i += N) s0 = hn::MulAdd(hn::LoadU(df, a + i), hn::LoadU(df, b + i), s0);
  float s = hn::GetLane(hn::SumOfLanes(df, hn::Add(s0, s1)));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// acc = acc * scale_old + w * v (vectorized over head_dim)
HWY_INLINE void ScaleAdd(float* acc, float scale_old, float w, const float* v, int64_t n) {
  const hn::ScalableTag<float> df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  const auto vs = hn::Set(df, scale_old), vw = hn::Set(df, w);
  int64_t i = 0;
  for (; i + N <= n; i += N)
    hn::StoreU(hn::MulAdd(hn::LoadU(df, v + i), vw, hn::Mul(hn::LoadU(df, acc + i), vs)), df,
               acc + i);
  for (; i < n; ++i) acc[i] = acc[i] * scale_old + w * v[i];
}

void AttendBlock(std::span<const float* const> q, std::span<float* const> out,
                 std::span<const int32_t> n_kv, const KvHeadView& kv, int64_t head_dim,
                 float scale) {
  const size_t nq = q.size();
  thread_local std::vector<float> ktile, vtile, acc, m, l;
  ktile.resize(static_cast<size_t>(kTile * head_dim));
  vtile.resize(static_cast<size_t>(kTile * head_dim));
  acc.assign(nq * static_cast<size_t>(head_dim), 0.0f);
  m.assign(nq, -INFINITY);
  l.assign(nq, 0.0f);
  int32_t max_kv = 0;
  for (auto n : n_kv) max_kv = std::max(max_kv, n);
  for (int64_t j0 = 0; j0 < max_kv; j0 += kTile) {
    const int64_t nt = std::min<int64_t>(kTile, max_kv - j0);
    LoadTile(kv.k + static_cast<size_t>(j0) * kv.stride, kv.stride, kv.type, nt, head_dim,
             ktile.data());
    LoadTile(kv.v + static_cast<size_t>(j0) * kv.stride, kv.stride, kv.type, nt, head_dim,
             vtile.data());
    for (size_t i = 0; i < nq; ++i) {
      const int64_t lim = std::min<int64_t>(nt, n_kv[i] - j0);
      if (lim <= 0) continue;
      float s[kTile];
      float tile_max = -INFINITY;
      for (int64_t j = 0; j < lim; ++j) {
        s[j] = Dot(q[i], ktile.data() + j * head_dim, head_dim) * scale;
        tile_max = std::max(tile_max, s[j]);
      }
      const float new_m = std::max(m[i], tile_max);
      float* a = acc.data() + i * static_cast<size_t>(head_dim);
      float rescale = std::exp(m[i] - new_m);  // 0 on the first tile (m = -inf)
      l[i] *= rescale;
      for (int64_t j = 0; j < lim; ++j) {
        const float p = std::exp(s[j] - new_m);
        l[i] += p;
        ScaleAdd(a, rescale, p, vtile.data() + j * head_dim, head_dim);
        rescale = 1.0f;
      }
      m[i] = new_m;
    }
  }
  for (size_t i = 0; i < nq; ++i) {
    const float inv = l[i] > 0 ? 1.0f / l[i] : 0.0f;
    const float* a = acc.data() + i * static_cast<size_t>(head_dim);
    for (int64_t d = 0; d < head_dim; ++d) out[i][d] = a[d] * inv;
  }
}

}  // namespace tandem::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif
