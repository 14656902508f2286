// Per-target activation kernels: activations.cc includes this once per Highway target.
#if defined(TANDEM_KERNELS_GELU_ERF_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TANDEM_KERNELS_GELU_ERF_INL_H_
#undef TANDEM_KERNELS_GELU_ERF_INL_H_
#else
#define TANDEM_KERNELS_GELU_ERF_INL_H_
#endif

#include <algorithm>
#include <cstdint>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace tandem::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// 0.5 x (1 + erf(x / sqrt 2)), erf(|z|) = 1 - poly(t) exp(-z^2), t = 1 / (1 + p |z|).
template <class D, class V>
HWY_INLINE V GeluErfVec(D d, V x) {
  const V z = hn::Mul(x, hn::Set(d, 0.70710678118654752f));
  const V az = hn::Abs(z);
  const V t = hn::Div(hn::Set(d, 1.0f), hn::MulAdd(az, hn::Set(d, 0.3275911f), hn::Set(d, 1.0f)));
  V poly = hn::Set(d, 1.061405429f);
  poly = hn::MulAdd(poly, t, hn::Set(d, -1.453152027f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 1.421413741f));
  poly = hn::MulAdd(poly, t, hn::Set(d, -0.284496736f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 0.254829592f));
  poly = hn::Mul(poly, t);
  // exp(-z^2) underflows to 0 well before -87, where Highway's Exp stops being valid.
  const V e = hn::Exp(d, hn::Max(hn::Neg(hn::Mul(z, z)), hn::Set(d, -87.0f)));
  const V erf_abs = hn::NegMulAdd(poly, e, hn::Set(d, 1.0f));
  const V erf = hn::CopySign(erf_abs, z);
  return hn::Mul(hn::Mul(hn::Set(d, 0.5f), x), hn::Add(hn::Set(d, 1.0f), erf));
}

void GeluErf(float* x, int64_t n) {
  const hn::ScalableTag<float> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(GeluErfVec(d, hn::LoadU(d, x + i)), d, x + i);
  if (i < n) {  // tail through a padded buffer (no LoadN in Highway 1.0.3)
    HWY_ALIGN float buf[hn::MaxLanes(decltype(d)())] = {};
    std::copy(x + i, x + n, buf);
    hn::Store(GeluErfVec(d, hn::Load(d, buf)), d, buf);
    std::copy(buf, buf + (n - i), x + i);
  }
}

}  // namespace tandem::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard
