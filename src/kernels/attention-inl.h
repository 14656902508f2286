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

#include "hwy/cache_control.h"
#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"
#include "kernels/attention.h"
#include "kernels/quant/quant_formats.h"

HWY_BEFORE_NAMESPACE();
namespace tandem::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr int64_t kTile = 32;  // keys converted to float and scored per step
constexpr int64_t kKeys = 8;   // keys scored at once: independent FMA chains

// Converts `n` positions of one head to floats (rows of head_dim, contiguous) and zeroes
// the tile's remaining rows, so a partial tile holds no stale values.
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
  std::fill(dst + n * head_dim, dst + kTile * head_dim, 0.0f);
}

// Queries live in the lanes: a group of N queries is one vector per dimension (qt, scaled),
// so a key's score for the whole group is head_dim broadcast multiply-adds with no
// transposes or horizontal sums, and the online-softmax state (max m, sum l, output acc)
// is per lane too. Keys and values stay rows, converted to float once per tile and shared
// by every group.
struct GroupState {
  const float* qt;     // [head_dim][N]
  float* acc;          // [head_dim][N]
  const float* lim;    // [N] keys each query sees: [first, lim)
  const float* first;  // [N]
  float* m;            // [N]
  float* l;            // [N]
  int64_t max_lim;     // the most keys any of its queries sees
};

// Query groups scored per pass over a tile: two share every key / value broadcast where
// there are 32 vector registers (2 x kKeys accumulators), one on 16-register x86 targets.
#if HWY_ARCH_X86 && HWY_TARGET >= HWY_AVX2
constexpr int kGroupsPerPass = 1;
#else
constexpr int kGroupsPerPass = 2;
#endif

// Scores one key tile for G groups, updates their softmax state and accumulates the
// tile's values. p holds G * kTile score vectors.
// softcap > 0: scores become softcap * tanh(score / softcap) (Gemma 2), before the mask.
template <int G, class DF>
HWY_INLINE void ScoreTile(DF df, const GroupState* const* g, int64_t j0, const float* kf,
                          const float* vf, int64_t nt, int64_t head_dim, float* p, float softcap) {
  using V = hn::Vec<DF>;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  const V masked = hn::Set(df, -1e30f);
  float* pg[G];
  V lim[G], first[G], vmax[G];
  // Keys no query of these groups sees need no weights or values: a causal block's last
  // tile, and values a query cannot see stay out of its sums even if they are not finite.
  int64_t nv = 0;
  for (int i = 0; i < G; ++i) {
    pg[i] = p + i * kTile * N;
    lim[i] = hn::LoadU(df, g[i]->lim);
    first[i] = hn::LoadU(df, g[i]->first);
    vmax[i] = masked;
    nv = std::max(nv, std::min(nt, g[i]->max_lim - j0));
  }
  for (int64_t j = 0; j < kTile; j += kKeys) {
    V s[G][kKeys];
    for (int i = 0; i < G; ++i)
      for (int k = 0; k < kKeys; ++k) s[i][k] = hn::Zero(df);
    for (int64_t d = 0; d < head_dim; ++d) {
      V q[G];
      for (int i = 0; i < G; ++i) q[i] = hn::LoadU(df, g[i]->qt + d * N);
      for (int k = 0; k < kKeys; ++k) {
        const V key = hn::Set(df, kf[(j + k) * head_dim + d]);
        for (int i = 0; i < G; ++i) s[i][k] = hn::MulAdd(key, q[i], s[i][k]);
      }
    }
    if (softcap > 0.0f) {
      const V cap = hn::Set(df, softcap), inv_cap = hn::Set(df, 1.0f / softcap);
      for (int i = 0; i < G; ++i)
        for (int k = 0; k < kKeys; ++k)
          s[i][k] = hn::Mul(cap, hn::Tanh(df, hn::Mul(s[i][k], inv_cap)));
    }
    for (int k = 0; k < kKeys; ++k) {
      const V pos = hn::Set(df, static_cast<float>(j0 + j + k));
      for (int i = 0; i < G; ++i) {
        // Keys outside a query's [first, limit) score -1e30, so they never set the max.
        const auto seen = hn::And(hn::Lt(pos, lim[i]), hn::Ge(pos, first[i]));
        const V sk = hn::IfThenElse(seen, s[i][k], masked);
        vmax[i] = hn::Max(vmax[i], sk);
        hn::StoreU(sk, df, pg[i] + (j + k) * N);
      }
    }
  }
  V rescale[G];
  for (int i = 0; i < G; ++i) {
    const V m = hn::LoadU(df, g[i]->m);
    const V new_m = hn::Max(m, vmax[i]);
    rescale[i] = hn::Exp(df, hn::Sub(m, new_m));  // 0 once a first real key arrives
    V sum = hn::Zero(df);
    for (int64_t j = 0; j < nv; ++j) {
      const V pos = hn::Set(df, static_cast<float>(j0 + j));
      const auto valid = hn::And(hn::Lt(pos, lim[i]), hn::Ge(pos, first[i]));
      const V e =
          hn::IfThenElseZero(valid, hn::Exp(df, hn::Sub(hn::LoadU(df, pg[i] + j * N), new_m)));
      sum = hn::Add(sum, e);
      hn::StoreU(e, df, pg[i] + j * N);
    }
    hn::StoreU(hn::MulAdd(hn::LoadU(df, g[i]->l), rescale[i], sum), df, g[i]->l);
    hn::StoreU(new_m, df, g[i]->m);
  }
  // acc[d] = acc[d] * rescale + sum_j p_j * v_j[d], kKeys dimensions at a time.
  int64_t d = 0;
  for (; d + kKeys <= head_dim; d += kKeys) {
    V a[G][kKeys];
    for (int i = 0; i < G; ++i)
      for (int k = 0; k < kKeys; ++k)
        a[i][k] = hn::Mul(hn::LoadU(df, g[i]->acc + (d + k) * N), rescale[i]);
    for (int64_t j = 0; j < nv; ++j) {
      V pj[G];
      for (int i = 0; i < G; ++i) pj[i] = hn::LoadU(df, pg[i] + j * N);
      for (int k = 0; k < kKeys; ++k) {
        const V val = hn::Set(df, vf[j * head_dim + d + k]);
        for (int i = 0; i < G; ++i) a[i][k] = hn::MulAdd(val, pj[i], a[i][k]);
      }
    }
    for (int i = 0; i < G; ++i)
      for (int k = 0; k < kKeys; ++k) hn::StoreU(a[i][k], df, g[i]->acc + (d + k) * N);
  }
  for (; d < head_dim; ++d)
    for (int i = 0; i < G; ++i) {
      V a = hn::Mul(hn::LoadU(df, g[i]->acc + d * N), rescale[i]);
      for (int64_t j = 0; j < nv; ++j)
        a = hn::MulAdd(hn::Set(df, vf[j * head_dim + d]), hn::LoadU(df, pg[i] + j * N), a);
      hn::StoreU(a, df, g[i]->acc + d * N);
    }
}

template <class DF>
HWY_INLINE void AttendGroups(DF df, std::span<const float* const> q, std::span<float* const> out,
                             std::span<const int32_t> n_kv, const KvHeadView& kv, int64_t head_dim,
                             float scale, const AttendOptions& opt) {
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  const int64_t nq = static_cast<int64_t>(q.size());
  const int64_t n_groups = (nq + N - 1) / N;
  thread_local std::vector<float> kf, vf, qt, acc, p, lim, first, m, l;  // unaligned access
  kf.resize(static_cast<size_t>(kTile * head_dim));
  vf.resize(kf.size());
  const size_t group_floats = static_cast<size_t>(head_dim * N);
  qt.assign(static_cast<size_t>(n_groups) * group_floats, 0.0f);
  acc.assign(qt.size(), 0.0f);
  p.resize(static_cast<size_t>(kGroupsPerPass * kTile * N));
  lim.assign(static_cast<size_t>(n_groups * N), 0.0f);  // padding lanes see no keys
  first.assign(lim.size(), 0.0f);
  m.assign(lim.size(), -1e30f);
  l.assign(lim.size(), 0.0f);
  int32_t max_kv = 0;
  // Tiles wholly before every query's window hold nothing to score.
  int32_t min_first = opt.first.empty() ? 0 : (1 << 30);
  for (int64_t i = 0; i < nq; ++i) {
    const int64_t g = i / N, lane = i % N;
    for (int64_t d = 0; d < head_dim; ++d)
      qt[static_cast<size_t>(g) * group_floats + static_cast<size_t>(d * N + lane)] =
          q[static_cast<size_t>(i)][d] * scale;
    lim[static_cast<size_t>(i)] = static_cast<float>(n_kv[static_cast<size_t>(i)]);
    max_kv = std::max(max_kv, n_kv[static_cast<size_t>(i)]);
    if (!opt.first.empty()) {
      const int32_t f = opt.first[static_cast<size_t>(i)];
      first[static_cast<size_t>(i)] = static_cast<float>(f);
      min_first = std::min(min_first, f);
    }
  }
  thread_local std::vector<GroupState> groups;
  groups.clear();
  for (int64_t g = 0; g < n_groups; ++g)
    groups.push_back(
        {qt.data() + g * group_floats, acc.data() + g * group_floats, lim.data() + g * N,
         first.data() + g * N, m.data() + g * N, l.data() + g * N,
         static_cast<int64_t>(*std::max_element(lim.begin() + g * N, lim.begin() + (g + 1) * N))});
  for (int64_t j0 = std::max<int64_t>(0, min_first) / kTile * kTile; j0 < max_kv; j0 += kTile) {
    const int64_t nt = std::min<int64_t>(kTile, max_kv - j0);
    // The cache is rarely in any cache level (the weights stream through it between
    // layers) and its rows are strided: request the next tile while this one is scored.
    const int64_t next = std::min<int64_t>(kTile, max_kv - j0 - kTile);
    const size_t row = model::row_bytes(kv.type, head_dim);
    for (int64_t j = 0; j < next; ++j)
      for (size_t o = 0; o < row; o += 64) {
        const size_t at = static_cast<size_t>(j0 + kTile + j) * kv.stride + o;
        hwy::Prefetch(kv.k + at);
        hwy::Prefetch(kv.v + at);
      }
    LoadTile(kv.k + static_cast<size_t>(j0) * kv.stride, kv.stride, kv.type, nt, head_dim,
             kf.data());
    LoadTile(kv.v + static_cast<size_t>(j0) * kv.stride, kv.stride, kv.type, nt, head_dim,
             vf.data());
    // Groups whose queries all end before this tile (or start after it) have nothing to add;
    // the rest go kGroupsPerPass at a time.
    const GroupState* active[kGroupsPerPass];
    int n_active = 0;
    for (const auto& g : groups) {
      const auto sees =
          hn::And(hn::Lt(hn::Set(df, static_cast<float>(j0)), hn::LoadU(df, g.lim)),
                  hn::Lt(hn::LoadU(df, g.first), hn::Set(df, static_cast<float>(j0 + nt))));
      if (hn::AllFalse(df, sees)) continue;
      active[n_active++] = &g;
      if (n_active == kGroupsPerPass) {
        ScoreTile<kGroupsPerPass>(df, active, j0, kf.data(), vf.data(), nt, head_dim, p.data(),
                                  opt.softcap);
        n_active = 0;
      }
    }
    if (n_active == 1)
      ScoreTile<1>(df, active, j0, kf.data(), vf.data(), nt, head_dim, p.data(), opt.softcap);
  }
  for (int64_t i = 0; i < nq; ++i) {
    const float sum = l[static_cast<size_t>(i)];
    const float inv = sum > 0 ? 1.0f / sum : 0.0f;  // no keys: zeros
    const float* a = acc.data() + (i / N) * group_floats + i % N;
    float* o = out[static_cast<size_t>(i)];
    for (int64_t d = 0; d < head_dim; ++d) o[d] = a[d * N] * inv;
  }
}

// One query's softmax weights over keys [0, n_kv): the scores tile by tile as AttendGroups
// converts them, a vector dot per key, then the softmax.
void AttentionWeights(const float* q, int32_t n_kv, const KvHeadView& kv, int64_t head_dim,
                      float scale, float* w, int32_t first, float softcap) {
  const hn::ScalableTag<float> df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  thread_local std::vector<float> kf;
  kf.resize(static_cast<size_t>(kTile * head_dim));
  float mx = -1e30f;
  first = std::clamp(first, 0, n_kv);
  std::fill(w, w + first, 0.0f);
  for (int64_t j0 = first; j0 < n_kv; j0 += kTile) {
    const int64_t nt = std::min<int64_t>(kTile, n_kv - j0);
    LoadTile(kv.k + static_cast<size_t>(j0) * kv.stride, kv.stride, kv.type, nt, head_dim,
             kf.data());
    for (int64_t j = 0; j < nt; ++j) {
      const float* row = kf.data() + j * head_dim;
      auto acc = hn::Zero(df);
      int64_t d = 0;
      for (; d + N <= head_dim; d += N)
        acc = hn::MulAdd(hn::LoadU(df, q + d), hn::LoadU(df, row + d), acc);
      float s = hn::GetLane(hn::SumOfLanes(df, acc));
      for (; d < head_dim; ++d) s += q[d] * row[d];
      s *= scale;
      if (softcap > 0.0f) s = softcap * std::tanh(s / softcap);
      w[j0 + j] = s;
      mx = std::max(mx, s);
    }
  }
  float sum = 0;
  for (int32_t j = first; j < n_kv; ++j) sum += (w[j] = std::exp(w[j] - mx));
  const float inv = sum > 0 ? 1.0f / sum : 0.0f;
  for (int32_t j = first; j < n_kv; ++j) w[j] *= inv;
}

void AttendBlock(std::span<const float* const> q, std::span<float* const> out,
                 std::span<const int32_t> n_kv, const KvHeadView& kv, int64_t head_dim, float scale,
                 const AttendOptions& opt) {
  // A decode step's group (8 heads per KV head in Llama-style GQA) fills half an AVX-512
  // vector: use 8 lanes there rather than compute 8 empty ones.
  const hn::ScalableTag<float> df;
  const hn::CappedTag<float, 8> d8;
  if (q.size() <= 8 && hn::Lanes(df) > 8) {
    AttendGroups(d8, q, out, n_kv, kv, head_dim, scale, opt);
  } else {
    AttendGroups(df, q, out, n_kv, kv, head_dim, scale, opt);
  }
}

}  // namespace tandem::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif
