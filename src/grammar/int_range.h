// GBNF for decimal integers within bounds (JSON Schema minimum/maximum on integers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tandem::grammar {

// Expression matching the canonical decimal form (no leading zeros, "-" for negatives) of
// every integer in [min, max]; an absent bound is open (up to 16 digits, like llama.cpp's
// integral-part). Throws GrammarError if the range is empty.
std::string int_range_gbnf(std::optional<int64_t> min, std::optional<int64_t> max);

}  // namespace tandem::grammar
