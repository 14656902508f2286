// Per-target elementwise ops: ops.cc includes this once per Highway target.
#if defined(TANDEM_KERNELS_OPS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TANDEM_KERNELS_OPS_INL_H_
#undef TANDEM_KERNELS_OPS_INL_H_
#else
#define TANDEM_KERNELS_OPS_INL_H_
#endif

#include <algorithm>
#include <cstdint>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace tandem::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// out[i] = x[i] * scale * w[i] (rounded in that order, like ggml's rms_norm then mul).
void ScaleMul(const float* x, const float* w, float scale, float* out, int64_t n) {
  const hn::ScalableTag<float> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const auto vs = hn::Set(d, scale);
  int64_t i = 0;
  for (; i + N <= n; i += N)
    hn::StoreU(hn::Mul(hn::Mul(hn::LoadU(d, x + i), vs), hn::LoadU(d, w + i)), d, out + i);
  for (; i < n; ++i) out[i] = (x[i] * scale) * w[i];
}

// x[i] = exp(x[i] - max); the caller sums.
void ExpShift(float* x, float max, int64_t n) {
  const hn::ScalableTag<float> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const auto vm = hn::Set(d, max);
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Exp(d, hn::Sub(hn::LoadU(d, x + i), vm)), d, x + i);
  if (i < n) {  // tail through a padded buffer (no LoadN in Highway 1.0.3)
    HWY_ALIGN float buf[hn::MaxLanes(decltype(d)())] = {};
    std::copy(x + i, x + n, buf);
    hn::Store(hn::Exp(d, hn::Sub(hn::Load(d, buf), vm)), d, buf);
    std::copy(buf, buf + (n - i), x + i);
  }
}

void Scale(float* x, float s, int64_t n) {
  const hn::ScalableTag<float> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const auto vs = hn::Set(d, s);
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Mul(hn::LoadU(d, x + i), vs), d, x + i);
  for (; i < n; ++i) x[i] *= s;
}

template <class D, class V>
HWY_INLINE V Silu(D d, V g) {
  // exp is only valid up to ~104; beyond 88 the result is ~0 anyway.
  const V e = hn::Exp(d, hn::Min(hn::Neg(g), hn::Set(d, 88.0f)));
  return hn::Div(g, hn::Add(hn::Set(d, 1.0f), e));
}

void SiluMul(float* gate, const float* up, int64_t n) {
  const hn::ScalableTag<float> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= n; i += N)
    hn::StoreU(hn::Mul(Silu(d, hn::LoadU(d, gate + i)), hn::LoadU(d, up + i)), d, gate + i);
  if (i < n) {
    HWY_ALIGN float g[hn::MaxLanes(decltype(d)())] = {};
    HWY_ALIGN float u[hn::MaxLanes(decltype(d)())] = {};
    std::copy(gate + i, gate + n, g);
    std::copy(up + i, up + n, u);
    hn::Store(hn::Mul(Silu(d, hn::Load(d, g)), hn::Load(d, u)), d, g);
    std::copy(g, g + (n - i), gate + i);
  }
}

void Add(float* y, const float* x, int64_t n) {
  const hn::ScalableTag<float> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= n; i += N)
    hn::StoreU(hn::Add(hn::LoadU(d, y + i), hn::LoadU(d, x + i)), d, y + i);
  for (; i < n; ++i) y[i] += x[i];
}

}  // namespace tandem::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
