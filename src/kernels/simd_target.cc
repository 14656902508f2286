// Lists AVX3_DL too, as matmul.cc compiles it; must precede every Highway include.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL
#endif
#include "kernels/simd_target.h"

#include <stdexcept>

#include "hwy/targets.h"
#include "kernels/matmul_internal.h"

namespace tandem::kernels {

std::string simd_target_name() {
  return hwy::TargetName(detail::matmul_target());
}

void limit_simd_target(const std::string& name) {
  std::string known;
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) {
    if (name == hwy::TargetName(t)) {
      hwy::SetSupportedTargetsForTest(t);
      return;
    }
    known += (known.empty() ? "" : ", ") + std::string(hwy::TargetName(t));
  }
  throw std::invalid_argument("SIMD target '" + name + "' is not one this CPU runs (" + known +
                              ")");
}

}  // namespace tandem::kernels
