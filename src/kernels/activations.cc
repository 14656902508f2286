#include "kernels/activations.h"

#include <cmath>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/activations-inl.h"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include "kernels/activations-inl.h"

#if HWY_ONCE
namespace tandem::kernels {

HWY_EXPORT(GeluTanh);
HWY_EXPORT(GeluQuick);
HWY_EXPORT(Silu);

void layer_norm(const float* x, const float* w, const float* b, float* out, int64_t n, float eps) {
  if (n <= 0) return;
  // Two passes in double: the mean is subtracted before squaring, so rows with a large
  // offset (residual streams grow) keep their precision.
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = x[i] - mean;
    ss += d * d;
  }
  const float scale = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(n) + eps));
  const float m = static_cast<float>(mean);
  for (int64_t i = 0; i < n; ++i) {
    float v = (x[i] - m) * scale;
    if (w) v *= w[i];
    if (b) v += b[i];
    out[i] = v;
  }
}

void gelu_tanh(float* x, int64_t n) {
  if (n > 0) HWY_DYNAMIC_DISPATCH(GeluTanh)(x, n);
}

void gelu_quick(float* x, int64_t n) {
  if (n > 0) HWY_DYNAMIC_DISPATCH(GeluQuick)(x, n);
}

void silu(float* x, int64_t n) {
  if (n > 0) HWY_DYNAMIC_DISPATCH(Silu)(x, n);
}

}  // namespace tandem::kernels
#endif  // HWY_ONCE
