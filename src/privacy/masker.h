// Per-conversation masking: each detected value becomes a typed, numbered placeholder
// (<PHONE_1>, <NAME_2>), the same value always the same placeholder, and back.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/detector.h"

namespace tandem::privacy {

class Masker {
 public:
  explicit Masker(const PiiDetector& detector = PiiDetector::shared()) : detector_(&detector) {}

  // Replaces every value found in `text` with its placeholder, assigning new placeholders to
  // values not seen before in this conversation. Values this Masker already knows are masked
  // wherever they occur, even where the detector alone would not fire (a name found after a
  // cue in one message, bare in the next); phone/ID/card numbers also match written
  // differently (full-width digits, other separators, +86). Returns the masked text.
  std::string mask(std::string_view text);
  // Registers every value found in `text` without masking anything, so that a later mask()
  // of an earlier message of the same conversation masks it too. A caller with all messages
  // at hand (content, `name` fields, tool arguments) learns them all, then masks each.
  void learn(std::string_view text);
  // Registers a whole value of a known type without detection: a message's `name` field is
  // a participant's name however it is written ("alice", "bob_42").
  void learn_value(std::string_view value, PiiType type);
  // learn() over every text, then mask() each: the conversation-wide consistent masking.
  std::vector<std::string> mask_all(std::span<const std::string> texts);
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

  // Longest placeholder: "<ADDRESS_" + 20 digits + ">".
  static constexpr size_t kMaxPlaceholderSize = 32;

 private:
  // Detector matches plus occurrences of known values, non-overlapping, sorted by begin.
  std::vector<PiiMatch> find(std::string_view text) const;
  void add_known_exact(std::string_view text, std::vector<PiiMatch>& out) const;
  void add_known_digits(std::string_view text, std::vector<PiiMatch>& out) const;
  // The placeholder of a value, assigned on first sight.
  const std::string& placeholder_for(const PiiMatch& m);

  const PiiDetector* detector_;
  std::map<std::string, std::string> by_value_;
  std::map<std::string, PiiType> type_of_;        // value -> type, for known-value matches
  std::map<std::string, std::string> by_digits_;  // digits_key -> placeholder (phone/id/card)
  std::map<std::string, std::string, std::less<>> by_placeholder_;
  std::array<size_t, kAllPiiTypes.size()> counters_{};
  std::vector<PiiMatch> history_;
};

}  // namespace tandem::privacy
