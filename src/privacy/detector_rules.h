// The detection rules: one pattern per rule, whose capture groups delimit the value, and the
// validation that runs on each regex match.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "privacy/pii_type.h"

namespace tandem::privacy {

// [begin, end) byte offsets into the scanned text.
using Span = std::pair<size_t, size_t>;

struct RuleSpec {
  PiiType type;
  std::string pattern;
  // Given the text and the spans of the capture groups, the value's span, or nothing when
  // the candidate fails validation.
  std::function<std::optional<Span>(std::string_view text, const std::vector<Span>& groups)>
      validate;
};

std::vector<RuleSpec> detection_rules();

}  // namespace tandem::privacy
