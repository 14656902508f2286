// Scoring the detector against a labelled corpus (JSON Lines, see docs/PRIVACY.md "Corpus"):
// precision, recall and F1 per type, span-level exact value match (a second mention of a
// value already matched in the same text counts neither way).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/detector.h"

namespace tandem::privacy {

struct LabelledEntity {
  PiiType type;
  std::string value;
};

struct LabelledCase {
  std::string text;
  std::vector<LabelledEntity> entities;  // every personal value in text; empty: a negative
};

// One case per non-empty line: {"text": "...", "entities": [{"type": "phone", "value": "..."}]}.
// Other keys ("note", "lang") are ignored. Throws std::invalid_argument "path:line: why" for
// malformed JSON, unknown types, or a value that does not occur in its text.
std::vector<LabelledCase> parse_corpus(std::string_view jsonl, std::string_view source);
std::vector<LabelledCase> load_corpus(const std::string& path);

struct TypeScore {
  size_t tp = 0, fp = 0, fn = 0;
  // 1.0 when there is nothing to get wrong (no predictions / no gold values).
  double precision() const { return tp + fp == 0 ? 1.0 : double(tp) / double(tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : double(tp) / double(tp + fn); }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
};

struct EvalReport {
  size_t cases = 0;
  std::array<TypeScore, kAllPiiTypes.size()> by_type{};
  TypeScore all;
  // One line per miss or false alarm: "fn phone '138...' in: <text>".
  std::vector<std::string> mistakes;
  const TypeScore& score(PiiType t) const { return by_type[static_cast<size_t>(t)]; }
};

// Values compare after normalisation: widths folded; phone/ID/card numbers as digits_key().
std::string normalised_value(PiiType type, std::string_view value);

EvalReport evaluate(const std::vector<LabelledCase>& corpus,
                    const PiiDetector& detector = PiiDetector::shared());

}  // namespace tandem::privacy
