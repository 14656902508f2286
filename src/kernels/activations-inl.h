// Per-target activations: activations.cc includes this once per Highway target.
#if defined(TANDEM_KERNELS_ACTIVATIONS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TANDEM_KERNELS_ACTIVATIONS_INL_H_
#undef TANDEM_KERNELS_ACTIVATIONS_INL_H_
#else
#define TANDEM_KERNELS_ACTIVATIONS_INL_H_
#endif

#include <algorithm>
#include <cstdint>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace tandem::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Applies f to every element; the tail goes through a padded buffer (no LoadN in
// Highway 1.0.3).
template <class F>
HWY_INLINE void Map(float* x, int64_t n, F f) {
  const hn::ScalableTag<float> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(f(d, hn::LoadU(d, x + i)), d, x + i);
  if (i < n) {
    HWY_ALIGN float buf[hn::MaxLanes(decltype(d)())] = {};
    std::copy(x + i, x + n, buf);
    hn::Store(f(d, hn::Load(d, buf)), d, buf);
    std::copy(buf, buf + (n - i), x + i);
  }
}

// x * sigmoid(k x) = x / (1 + exp(-k x)); exp's argument is clamped where it would
// overflow (the result is 0 there anyway).
template <class D, class V>
HWY_INLINE V XSigmoid(D d, V x, float k) {
  const V e = hn::Exp(d, hn::Min(hn::Mul(x, hn::Set(d, -k)), hn::Set(d, 88.0f)));
  return hn::Div(x, hn::Add(hn::Set(d, 1.0f), e));
}

void GeluTanh(float* x, int64_t n) {
  Map(x, n, [](auto d, auto v) {
    const auto c = hn::Set(d, 0.7978845608028654f);  // sqrt(2/pi)
    const auto inner = hn::Mul(c, hn::MulAdd(hn::Mul(hn::Set(d, 0.044715f), hn::Mul(v, v)), v, v));
    const auto half = hn::Mul(hn::Set(d, 0.5f), v);
    return hn::MulAdd(half, hn::Tanh(d, inner), half);
  });
}

void GeluQuick(float* x, int64_t n) {
  Map(x, n, [](auto d, auto v) { return XSigmoid(d, v, 1.702f); });
}

void Silu(float* x, int64_t n) {
  Map(x, n, [](auto d, auto v) { return XSigmoid(d, v, 1.0f); });
}

}  // namespace tandem::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
