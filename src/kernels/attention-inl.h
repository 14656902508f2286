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

#include "hwy/contrib/math/math-inl.h"
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

// kt[d * kTile + j] = tile[j * head_dim + d]: keys as columns, so one vector of scores
// covers kTile keys with no horizontal sums.
HWY_INLINE void Transpose(const float* tile, int64_t n, int64_t head_dim, float* kt) {
  for (int64_t j = 0; j < n; ++j)
    for (int64_t d = 0; d < head_dim; ++d) kt[d * kTile + j] = tile[j * head_dim + d];
  for (int64_t d = 0; d < head_dim; ++d) std::fill(kt + d * kTile + n, kt + (d + 1) * kTile, 0.f);
}

// Per-call state of the online softmax: a running max m, sum l and output acc per query.
struct Softmax {
  std::vector<float> acc, m, l;
};

// One key tile against B queries (q0 .. q0+B-1): every key or value vector loaded is used
// by all B queries. kt holds the tile's keys transposed, vt its values as rows.
template <int B>
HWY_INLINE void TileQueries(std::span<const float* const> q, std::span<const int32_t> n_kv,
                            size_t q0, int64_t j0, int64_t nt, const float* kt, const float* vt,
                            int64_t head_dim, float scale, Softmax& sm) {
  const hn::CappedTag<float, kTile> df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  int64_t lim[B];
  int64_t max_lim = 0;
  for (int b = 0; b < B; ++b) {
    lim[b] = std::clamp<int64_t>(n_kv[q0 + b] - j0, 0, nt);
    max_lim = std::max(max_lim, lim[b]);
  }
  if (max_lim == 0) return;
  HWY_ALIGN float p[B][kTile];
  for (int64_t j = 0; j < kTile; j += N) {
    decltype(hn::Zero(df)) sv[B];
    for (int b = 0; b < B; ++b) sv[b] = hn::Zero(df);
    for (int64_t d = 0; d < head_dim; ++d) {
      const auto k = hn::LoadU(df, kt + d * kTile + j);
      for (int b = 0; b < B; ++b) sv[b] = hn::MulAdd(hn::Set(df, q[q0 + b][d]), k, sv[b]);
    }
    for (int b = 0; b < B; ++b) hn::Store(hn::Mul(sv[b], hn::Set(df, scale)), df, p[b] + j);
  }
  float rescale[B];
  for (int b = 0; b < B; ++b) {
    const size_t i = q0 + static_cast<size_t>(b);
    // Keys past this query's limit get -1e30, so their weight is exactly 0.
    for (int64_t j = lim[b]; j < kTile; ++j) p[b][j] = -1e30f;
    auto vmax = hn::Set(df, -1e30f);
    for (int64_t j = 0; j < kTile; j += N) vmax = hn::Max(vmax, hn::Load(df, p[b] + j));
    const float tile_max = hn::GetLane(hn::MaxOfLanes(df, vmax));
    const float new_m = lim[b] > 0 ? std::max(sm.m[i], tile_max) : sm.m[i];
    rescale[b] = lim[b] > 0 ? std::exp(sm.m[i] - new_m) : 1.0f;  // 0 on the first tile
    const auto vm = hn::Set(df, lim[b] > 0 ? new_m : 0.0f);
    auto vsum = hn::Zero(df);
    for (int64_t j = 0; j < kTile; j += N) {
      const auto e = hn::Exp(df, hn::Sub(hn::Load(df, p[b] + j), vm));
      vsum = hn::Add(vsum, e);
      hn::Store(e, df, p[b] + j);
    }
    sm.l[i] = sm.l[i] * rescale[b] + hn::GetLane(hn::SumOfLanes(df, vsum));
    sm.m[i] = new_m;
  }
  // acc = acc * rescale + sum_j p_j v_j, a vector of head_dim at a time.
  int64_t d = 0;
  for (; d + N <= head_dim; d += N) {
    decltype(hn::Zero(df)) av[B];
    for (int b = 0; b < B; ++b)
      av[b] =
          hn::Mul(hn::LoadU(df, sm.acc.data() + (q0 + b) * head_dim + d), hn::Set(df, rescale[b]));
    for (int64_t j = 0; j < max_lim; ++j) {
      const auto v = hn::LoadU(df, vt + j * head_dim + d);
      for (int b = 0; b < B; ++b) av[b] = hn::MulAdd(hn::Set(df, p[b][j]), v, av[b]);
    }
    for (int b = 0; b < B; ++b) hn::StoreU(av[b], df, sm.acc.data() + (q0 + b) * head_dim + d);
  }
  for (; d < head_dim; ++d)
    for (int b = 0; b < B; ++b) {
      float& a = sm.acc[(q0 + b) * head_dim + d];
      float av = a * rescale[b];
      for (int64_t j = 0; j < max_lim; ++j) av += p[b][j] * vt[j * head_dim + d];
      a = av;
    }
}

void AttendBlock(std::span<const float* const> q, std::span<float* const> out,
                 std::span<const int32_t> n_kv, const KvHeadView& kv, int64_t head_dim,
                 float scale) {
  constexpr int kQueries = 4;  // queries sharing each loaded key / value vector
  const size_t nq = q.size();
  thread_local std::vector<float> ktile, kt, vtile;
  thread_local Softmax sm;
  ktile.resize(static_cast<size_t>(kTile * head_dim));
  kt.resize(static_cast<size_t>(kTile * head_dim));
  vtile.resize(static_cast<size_t>(kTile * head_dim));
  sm.acc.assign(nq * static_cast<size_t>(head_dim), 0.0f);
  sm.m.assign(nq, -INFINITY);
  sm.l.assign(nq, 0.0f);
  int32_t max_kv = 0;
  for (auto n : n_kv) max_kv = std::max(max_kv, n);
  for (int64_t j0 = 0; j0 < max_kv; j0 += kTile) {
    const int64_t nt = std::min<int64_t>(kTile, max_kv - j0);
    LoadTile(kv.k + static_cast<size_t>(j0) * kv.stride, kv.stride, kv.type, nt, head_dim,
             ktile.data());
    Transpose(ktile.data(), nt, head_dim, kt.data());
    LoadTile(kv.v + static_cast<size_t>(j0) * kv.stride, kv.stride, kv.type, nt, head_dim,
             vtile.data());
    size_t i = 0;
    for (; i + kQueries <= nq; i += kQueries)
      TileQueries<kQueries>(q, n_kv, i, j0, nt, kt.data(), vtile.data(), head_dim, scale, sm);
    for (; i < nq; ++i)
      TileQueries<1>(q, n_kv, i, j0, nt, kt.data(), vtile.data(), head_dim, scale, sm);
  }
  for (size_t i = 0; i < nq; ++i) {
    const float inv = sm.l[i] > 0 ? 1.0f / sm.l[i] : 0.0f;
    const float* a = sm.acc.data() + i * static_cast<size_t>(head_dim);
    for (int64_t d = 0; d < head_dim; ++d) out[i][d] = a[d] * inv;
  }
}

}  // namespace tandem::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif
