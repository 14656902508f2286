#include "grammar/int_range.h"

#include <vector>

#include "grammar/grammar.h"

namespace tandem::grammar {
namespace {

constexpr int kMaxDigits = 16;

std::string join_alts(const std::vector<std::string>& alts) {
  if (alts.size() == 1) return alts[0];
  std::string out = "(";
  for (size_t i = 0; i < alts.size(); ++i) out += (i ? " | " : "") + alts[i];
  return out + ")";
}

std::string digit_class(char lo, char hi) {
  if (lo == hi) return std::string("\"") + lo + "\"";
  return std::string("[") + lo + "-" + hi + "]";
}

std::string any_digits(size_t n) {
  if (n == 0) return "";
  return n == 1 ? "[0-9]" : "[0-9]{" + std::to_string(n) + "}";
}

// Same-length digit strings lo <= hi.
std::string same_length(const std::string& lo, const std::string& hi) {
  if (lo.empty()) return "";
  const size_t rest = lo.size() - 1;
  auto join = [](const std::string& a, const std::string& b) {
    return b.empty() ? a : a + " " + b;
  };
  if (lo[0] == hi[0])
    return join(digit_class(lo[0], lo[0]), same_length(lo.substr(1), hi.substr(1)));
  if (lo.substr(1) == std::string(rest, '0') && hi.substr(1) == std::string(rest, '9')) {
    return join(digit_class(lo[0], hi[0]), any_digits(rest));
  }
  std::vector<std::string> alts;
  alts.push_back(
      join(digit_class(lo[0], lo[0]), same_length(lo.substr(1), std::string(rest, '9'))));
  if (lo[0] + 1 <= hi[0] - 1) {
    alts.push_back(join(digit_class(static_cast<char>(lo[0] + 1), static_cast<char>(hi[0] - 1)),
                        any_digits(rest)));
  }
  alts.push_back(
      join(digit_class(hi[0], hi[0]), same_length(std::string(rest, '0'), hi.substr(1))));
  return join_alts(alts);
}

uint64_t pow10(size_t n) {
  uint64_t v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

// Non-negative integers in [lo, hi]; hi == nullopt means up to kMaxDigits digits.
std::string non_negative(uint64_t lo, std::optional<uint64_t> hi) {
  std::vector<std::string> alts;
  for (size_t digits = 1; digits <= kMaxDigits; ++digits) {
    const uint64_t band_lo = digits == 1 ? 0 : pow10(digits - 1);
    const uint64_t band_hi = pow10(digits) - 1;
    const uint64_t a = std::max(lo, band_lo);
    const uint64_t b = hi ? std::min(*hi, band_hi) : band_hi;
    if (a > b) continue;
    if (!hi && a == band_lo && digits > 1) {
      // Every longer length is fully open: one bounded repetition covers them all.
      alts.push_back("[1-9] [0-9]{" + std::to_string(digits - 1) + "," +
                     std::to_string(kMaxDigits - 1) + "}");
      break;
    }
    alts.push_back(same_length(std::to_string(a), std::to_string(b)));
  }
  if (alts.empty()) throw GrammarError("integer range is empty");
  return join_alts(alts);
}

uint64_t magnitude(int64_t v) {
  return v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : v;
}

}  // namespace

std::string int_range_gbnf(std::optional<int64_t> min, std::optional<int64_t> max) {
  if (min && max && *min > *max) throw GrammarError("integer range is empty (minimum > maximum)");
  std::vector<std::string> alts;
  // Negative part: magnitudes in [|max'|, |min|] where max' = min(max, -1).
  if (!min || *min < 0) {
    const uint64_t mag_lo = (max && *max < 0) ? magnitude(*max) : 1;
    const std::optional<uint64_t> mag_hi = min ? std::optional(magnitude(*min)) : std::nullopt;
    alts.push_back("\"-\" " + non_negative(mag_lo, mag_hi));
  }
  if (!max || *max >= 0) {
    const uint64_t lo = (min && *min > 0) ? static_cast<uint64_t>(*min) : 0;
    const std::optional<uint64_t> hi =
        max ? std::optional(static_cast<uint64_t>(*max)) : std::nullopt;
    alts.push_back(non_negative(lo, hi));
  }
  return join_alts(alts);
}

}  // namespace tandem::grammar
