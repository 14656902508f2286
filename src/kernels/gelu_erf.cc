#include "kernels/activations.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/gelu_erf-inl.h"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include "kernels/gelu_erf-inl.h"

#if HWY_ONCE
namespace tandem::kernels {

HWY_EXPORT(GeluErf);

void gelu_erf(float* x, int64_t n) {
  if (n > 0) HWY_DYNAMIC_DISPATCH(GeluErf)(x, n);
}

}  // namespace tandem::kernels
#endif  // HWY_ONCE
