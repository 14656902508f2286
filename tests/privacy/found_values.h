// What the shared detector finds in a text, as the values of one type (test helper).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "privacy/detector.h"

namespace tandem::privacy::testing {

using V = std::vector<std::string>;

inline V found(std::string_view text, PiiType type) {
  V v;
  for (const auto& m : PiiDetector::shared().detect(text))
    if (m.type == type) v.push_back(m.value);
  return v;
}

inline V names(std::string_view text) {
  return found(text, PiiType::kName);
}

}  // namespace tandem::privacy::testing
