// The labelled intent data: a TSV of label<TAB>text, '#' comment lines and blank lines
// skipped, and a reproducible train/held-out split.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::router {

struct IntentExample {
  std::string label;
  std::string text;
};

// Throws std::runtime_error naming path:line for malformed lines (no tab, empty label/text).
std::vector<IntentExample> load_intent_tsv(const std::string& path);
std::vector<IntentExample> parse_intent_tsv(std::string_view tsv, std::string_view source);

struct IntentSplit {
  std::vector<IntentExample> train, test;
};
// Shuffles with a fixed, platform-independent generator (mt19937_64 + Fisher-Yates) and puts
// round(holdout * n) examples in `test`. holdout must be in [0, 1).
IntentSplit split_holdout(std::vector<IntentExample> all, double holdout, uint64_t seed);

}  // namespace tandem::router
