#include "grammar/json_schema_pattern.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "grammar/grammar.h"
#include "grammar/utf8.h"

namespace tandem::grammar {
namespace {

constexpr uint32_t kMaxUnicode = 0x10FFFF;
constexpr size_t kMaxRepeat = 1000;  // keeps (x){m,n} under the GBNF repetition limit

using Ranges = std::vector<CharRange>;

Ranges normalized(Ranges r) {
  std::sort(r.begin(), r.end(), [](const CharRange& a, const CharRange& b) { return a.lo < b.lo; });
  Ranges out;
  for (const CharRange& x : r) {
    if (!out.empty() && x.lo <= out.back().hi + 1) {
      out.back().hi = std::max(out.back().hi, x.hi);
    } else {
      out.push_back(x);
    }
  }
  return out;
}

Ranges complement(const Ranges& r) {
  Ranges out;
  uint32_t next = 0;
  for (const CharRange& x : normalized(r)) {
    if (x.lo > next) out.push_back({next, x.lo - 1});
    next = x.hi + 1;
  }
  if (next <= kMaxUnicode) out.push_back({next, kMaxUnicode});
  return out;
}

bool needs_json_escape(uint32_t c) {
  return c < 0x20 || c == '"' || c == '\\';
}

// GBNF literal for the JSON encoding of one code point.
std::string json_encoded_literal(uint32_t c) {
  switch (c) {
    case '"':
      return R"("\\\"")";
    case '\\':
      return R"("\\\\")";
    case '\n':
      return R"("\\n")";
    case '\r':
      return R"("\\r")";
    case '\t':
      return R"("\\t")";
    case '\b':
      return R"("\\b")";
    case '\f':
      return R"("\\f")";
    default:
      break;
  }
  char buf[16];
  if (c < 0x20) {
    std::snprintf(buf, sizeof buf, "\"\\\\u%04x\"", c);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "\"\\U%08X\"", c);
  return buf;
}

std::string class_char(uint32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, c <= 0xFFFF ? "\\u%04X" : "\\U%08X", c);
  return buf;
}

// Code-point set -> GBNF, with characters JSON must escape matched in escaped form.
std::string ranges_to_gbnf(const Ranges& input) {
  Ranges plain;
  std::vector<std::string> alts;
  for (const CharRange& r : normalized(input)) {
    for (uint32_t c = r.lo; c <= std::min<uint32_t>(r.hi, 0x5C); ++c) {
      if (needs_json_escape(c)) alts.push_back(json_encoded_literal(c));
    }
    // Split the range around the characters that need escaping.
    uint32_t lo = r.lo;
    for (uint32_t c = r.lo; c <= r.hi + 1 && c <= 0x5D; ++c) {
      if (c == r.hi + 1 || needs_json_escape(c)) {
        if (c > lo) plain.push_back({lo, c - 1});
        lo = c + 1;
      }
    }
    if (lo <= r.hi) plain.push_back({std::max(lo, r.lo), r.hi});
  }
  if (!plain.empty()) {
    std::string cls = "[";
    for (const CharRange& r : plain) {
      cls += class_char(r.lo);
      if (r.hi != r.lo) cls += "-" + class_char(r.hi);
    }
    alts.insert(alts.begin(), cls + "]");
  }
  if (alts.empty()) throw GrammarError("pattern: character class matches nothing");
  if (alts.size() == 1) return alts[0];
  std::string out = "(";
  for (size_t i = 0; i < alts.size(); ++i) out += (i ? " | " : "") + alts[i];
  return out + ")";
}

class RegexParser {
 public:
  explicit RegexParser(std::string_view p) : p_(p) {}

  std::string parse() {
    if (p_.empty() || p_.front() != '^' || p_.back() != '$' || p_.size() < 2 ||
        (p_.size() >= 3 && p_[p_.size() - 2] == '\\')) {
      throw GrammarError("pattern must be anchored as ^...$: " + std::string(p_));
    }
    p_ = p_.substr(1, p_.size() - 2);
    std::string out = alternation();
    if (pos_ < p_.size()) fail("unexpected ')'");
    return out.empty() ? "\"\"" : out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw GrammarError("pattern: " + what + " at offset " + std::to_string(pos_ + 1) + " in ^" +
                       std::string(p_) + "$");
  }
  bool more() const { return pos_ < p_.size(); }
  char peek() const { return more() ? p_[pos_] : '\0'; }

  uint32_t next_code_point() {
    Utf8Partial partial;
    uint32_t cp = 0;
    while (more()) {
      const Utf8Step s = utf8_feed(partial, static_cast<uint8_t>(p_[pos_++]), cp);
      if (s == Utf8Step::kComplete) return cp;
      if (s == Utf8Step::kInvalid) break;
    }
    fail("invalid UTF-8");
  }

  std::string alternation() {
    std::vector<std::string> alts{sequence()};
    while (peek() == '|') {
      ++pos_;
      alts.push_back(sequence());
    }
    if (alts.size() == 1) return alts[0];
    std::string out = "(";
    for (size_t i = 0; i < alts.size(); ++i) {
      out += (i ? " | " : "") + (alts[i].empty() ? std::string("\"\"") : alts[i]);
    }
    return out + ")";
  }

  std::string sequence() {
    std::string out;
    while (more() && peek() != '|' && peek() != ')') {
      std::string item = atom();
      item = quantified(item);
      out += (out.empty() ? "" : " ") + item;
    }
    return out;
  }

  size_t number() {
    size_t v = 0;
    const size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') {
      v = v * 10 + static_cast<size_t>(peek() - '0');
      if (v > kMaxRepeat) fail("repetition count above " + std::to_string(kMaxRepeat));
      ++pos_;
    }
    if (pos_ == start) fail("expected a number in {m,n}");
    return v;
  }

  std::string quantified(const std::string& item) {
    std::string q;
    const char c = peek();
    if (c == '*' || c == '+' || c == '?') {
      q = std::string(1, c);
      ++pos_;
    } else if (c == '{') {
      ++pos_;
      const size_t m = number();
      q = "{" + std::to_string(m);
      if (peek() == ',') {
        ++pos_;
        q += ",";
        if (peek() != '}') {
          const size_t n = number();
          if (n < m) fail("{m,n} with n < m");
          q += std::to_string(n);
        }
      }
      if (peek() != '}') fail("expected '}'");
      ++pos_;
      q += "}";
    } else {
      return item;
    }
    if (peek() == '?') ++pos_;  // lazy: same language under a full match
    if (peek() == '+') fail("possessive quantifiers are not supported");
    if (peek() == '*' || peek() == '{') fail("nested quantifier");
    return "(" + item + ")" + q;
  }

  // Shorthand classes usable inside and outside brackets.
  bool shorthand(char c, Ranges& out) {
    Ranges r;
    switch (c) {
      case 'd':
      case 'D':
        r = {{'0', '9'}};
        break;
      case 'w':
      case 'W':
        r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
        break;
      case 's':
      case 'S':
        r = {{' ', ' '}, {'\t', '\r'}};
        break;
      default:
        return false;
    }
    if (c == 'D' || c == 'W' || c == 'S') r = complement(r);
    out.insert(out.end(), r.begin(), r.end());
    return true;
  }

  uint32_t escaped_char(char c) {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '0':
        return 0;
      default:
        break;
    }
    if (c == 'b' || c == 'B') fail("word boundaries (\\b) are not supported");
    if (c >= '1' && c <= '9') fail("backreferences are not supported");
    if (std::isalnum(static_cast<unsigned char>(c))) {
      fail(std::string("escape \\") + c + " is not supported");
    }
    return static_cast<unsigned char>(c);
  }

  std::string atom() {
    const char c = peek();
    if (c == '(') {
      ++pos_;
      if (peek() == '?') {
        if (p_.substr(pos_, 2) != "?:") fail("lookaround and named groups are not supported");
        pos_ += 2;
      }
      std::string inner = alternation();
      if (peek() != ')') fail("expected ')'");
      ++pos_;
      return "(" + (inner.empty() ? std::string("\"\"") : inner) + ")";
    }
    if (c == '[') return bracket();
    if (c == '.') {
      ++pos_;
      return ranges_to_gbnf(complement({{'\n', '\n'}, {'\r', '\r'}}));
    }
    if (c == '^' || c == '$') fail("anchors are only supported at the ends");
    if (c == '*' || c == '+' || c == '?' || c == '{') fail("quantifier without an item");
    if (c == '\\') {
      ++pos_;
      if (!more()) fail("trailing backslash");
      const char e = p_[pos_++];
      Ranges r;
      if (shorthand(e, r)) return ranges_to_gbnf(r);
      const uint32_t cp = escaped_char(e);
      return ranges_to_gbnf({{cp, cp}});
    }
    const uint32_t cp = next_code_point();
    return ranges_to_gbnf({{cp, cp}});
  }

  std::string bracket() {
    const size_t open = pos_++;
    const bool negated = peek() == '^';
    if (negated) ++pos_;
    Ranges r;
    bool first = true;
    while (more() && (peek() != ']' || first)) {
      first = false;
      uint32_t lo = 0;
      if (peek() == '\\') {
        ++pos_;
        if (!more()) break;
        const char e = p_[pos_++];
        if (shorthand(e, r)) continue;
        lo = escaped_char(e);
      } else {
        if (p_.substr(pos_, 2) == "[:") fail("POSIX classes are not supported");
        lo = next_code_point();
      }
      uint32_t hi = lo;
      if (peek() == '-' && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
        ++pos_;
        if (peek() == '\\') {
          ++pos_;
          if (!more()) break;
          hi = escaped_char(p_[pos_++]);
        } else {
          hi = next_code_point();
        }
        if (hi < lo) fail("character range out of order");
      }
      r.push_back({lo, hi});
    }
    if (peek() != ']') {
      pos_ = open;
      fail("unterminated character class");
    }
    ++pos_;
    return ranges_to_gbnf(negated ? complement(r) : r);
  }

  std::string_view p_;
  size_t pos_ = 0;
};

}  // namespace

std::string pattern_to_gbnf(std::string_view pattern) {
  return RegexParser(pattern).parse();
}

}  // namespace tandem::grammar
