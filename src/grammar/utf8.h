// Incremental UTF-8 decoding shared by the GBNF parser, the matcher and the token mask.
// Tokens may end in the middle of a code point, so decoding must be resumable byte by byte.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace tandem::grammar {

// Largest value a 4-byte sequence can encode; the universe of `.` and negated classes.
inline constexpr uint32_t kMaxCodePoint = 0x1FFFFF;

// Bits still missing from a multi-byte sequence that has started but not finished.
struct Utf8Partial {
  uint32_t value = 0;
  uint8_t remaining = 0;  // continuation bytes still expected; 0 = at a code point boundary
  uint8_t length = 0;     // bytes of the sequence being decoded (2-4); 0 at a boundary
  friend bool operator==(const Utf8Partial&, const Utf8Partial&) = default;
};

enum class Utf8Step : uint8_t { kComplete, kPending, kInvalid };

// Feeds one byte. kComplete sets `cp`; kInvalid leaves `p` unspecified.
inline Utf8Step utf8_feed(Utf8Partial& p, uint8_t byte, uint32_t& cp) {
  if (p.remaining == 0) {
    if (byte < 0x80) {
      cp = byte;
      return Utf8Step::kComplete;
    }
    if (byte < 0xC2) return Utf8Step::kInvalid;  // stray continuation or overlong C0/C1
    if (byte < 0xE0) {
      p = {static_cast<uint32_t>(byte & 0x1F), 1, 2};
    } else if (byte < 0xF0) {
      p = {static_cast<uint32_t>(byte & 0x0F), 2, 3};
    } else if (byte < 0xF8) {
      p = {static_cast<uint32_t>(byte & 0x07), 3, 4};
    } else {
      return Utf8Step::kInvalid;
    }
    return Utf8Step::kPending;
  }
  if ((byte & 0xC0) != 0x80) return Utf8Step::kInvalid;
  // Overlong E0/F0 forms would smuggle ASCII in as multi-byte; every multi-byte code point
  // is then >= 0x80, which the token mask's subtree shortcuts rely on.
  if (p.value == 0 && ((p.remaining == 2 && byte < 0xA0) || (p.remaining == 3 && byte < 0x90))) {
    return Utf8Step::kInvalid;
  }
  p.value = (p.value << 6) | (byte & 0x3F);
  if (--p.remaining > 0) return Utf8Step::kPending;
  cp = p.value;
  p.value = 0;
  p.length = 0;
  return Utf8Step::kComplete;
}

// Inclusive range of code points a pending sequence can still complete to.
// A sequence's length fixes its smallest code point (shorter forms are overlong), so an E0
// or F0 lead cannot complete to anything below 0x800 or 0x10000.
inline std::pair<uint32_t, uint32_t> utf8_pending_range(const Utf8Partial& p) {
  const uint32_t shift = 6u * p.remaining;
  const uint32_t lo = p.value << shift;
  const uint32_t min = p.length == 4 ? 0x10000 : p.length == 3 ? 0x800 : 0x80;
  return {lo < min ? min : lo, lo | ((1u << shift) - 1)};
}

inline void utf8_append(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace tandem::grammar
