// Adaptive draft length: grows after a fully accepted draft, shrinks after an early
// rejection, stays within [min, max].
#pragma once

#include <cstdint>

namespace tandem::spec {

class AdaptiveDraftLength {
 public:
  // Throws std::invalid_argument unless 0 <= min <= max and max >= 1.
  AdaptiveDraftLength(int32_t min, int32_t max);
  int32_t current() const { return cur_; }
  int32_t min() const { return min_; }
  int32_t max() const { return max_; }
  // After a verification of `drafted` tokens of which `accepted` were kept.
  void update(int32_t drafted, int32_t accepted);

 private:
  int32_t min_, max_, cur_;
};

}  // namespace tandem::spec
