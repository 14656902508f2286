#include "spec/adaptive.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tandem::spec {

AdaptiveDraftLength::AdaptiveDraftLength(int32_t min, int32_t max)
    : min_(min), max_(max), cur_(max) {
  if (min < 0 || max < 1 || min > max)
    throw std::invalid_argument(
        "draft lengths need 0 <= --draft-min <= --draft-max and "
        "--draft-max >= 1 (got " +
        std::to_string(min) + ", " + std::to_string(max) + ")");
}

void AdaptiveDraftLength::update(int32_t drafted, int32_t accepted) {
  if (drafted <= 0) return;  // nothing was drafted (p-min stop): no evidence either way
  if (accepted >= drafted) {
    // Full acceptance: the draft could have gone further.
    if (drafted >= cur_) cur_ = std::min(max_, cur_ + 1);
  } else if (accepted * 2 < drafted) {
    // Early rejection: most of the draft was wasted.
    cur_ = std::max({min_, 1, std::min(cur_ - 1, accepted + 1)});
  }
}

}  // namespace tandem::spec
