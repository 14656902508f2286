// Per-conversation masking: each detected value becomes a typed, numbered placeholder
// (<PHONE_1>, <NAME_2>), the same value always the same placeholder, and back.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/detector.h"

namespace tandem::privacy {

class Masker {
 public:
  explicit Masker(const PiiDetector& detector = PiiDetector::shared()) : detector_(&detector) {}

  // Replaces every value found in `text` with its placeholder, assigning new placeholders to
  // values not seen before in this conversation. Returns the masked text.
  std::string mask(std::string_view text);
  // Replaces every placeholder this Masker assigned with its value; anything else (unknown
  // placeholders included) is left as is.
  std::string unmask(std::string_view text) const;

  // The value of one complete placeholder ("<PHONE_1>"), if this Masker assigned it.
  std::optional<std::string_view> value_of(std::string_view placeholder) const;
  // Whether `s` is a proper prefix of a placeholder this Masker assigned ("<PHO").
  bool is_placeholder_prefix(std::string_view s) const;

  // value -> placeholder, for reports and tests.
  const std::map<std::string, std::string>& placeholders() const { return by_value_; }
  // Every match mask() replaced so far, in order (types of PII seen in the conversation).
  const std::vector<PiiMatch>& history() const { return history_; }

  // Longest placeholder: "<EMAIL_" + 20 digits + ">".
  static constexpr size_t kMaxPlaceholderSize = 32;

 private:
  const PiiDetector* detector_;
  std::map<std::string, std::string> by_value_;
  std::map<std::string, std::string, std::less<>> by_placeholder_;
  std::array<size_t, kAllPiiTypes.size()> counters_{};
  std::vector<PiiMatch> history_;
};

}  // namespace tandem::privacy
