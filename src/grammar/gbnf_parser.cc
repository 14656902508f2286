#include "grammar/gbnf_parser.h"

#include <algorithm>
#include <string>
#include <vector>

#include "grammar/utf8.h"

namespace tandem::grammar {
namespace {

using Sequence = std::vector<Element>;
using Alternatives = std::vector<Sequence>;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

class Parser {
 public:
  Parser(std::string_view src, const ParseLimits& limits) : src_(src), limits_(limits) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i) {
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  Grammar parse() && {
    skip_space(true);
    while (!at_end()) parse_rule();
    return std::move(builder_).build();
  }

 private:
  bool at_end() const { return pos_ >= src_.size(); }
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }

  SourcePos where(size_t at) const {
    at = std::min(at, src_.size());
    const auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), at) - 1;
    SourcePos p{static_cast<int>(line - line_starts_.begin()) + 1, 1};
    for (size_t i = *line; i < at; ++i) {
      if ((static_cast<uint8_t>(src_[i]) & 0xC0) != 0x80) ++p.column;  // code points, not bytes
    }
    return p;
  }

  [[noreturn]] void fail(size_t at, const std::string& what) const {
    const SourcePos p = where(at);
    throw GrammarError(std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + what);
  }

  std::string describe_here() const {
    if (at_end()) return "end of input";
    const char c = peek();
    if (c == '\n' || c == '\r') return "end of line";
    return "'" + std::string(1, c) + "'";
  }

  // Spaces, tabs and comments; newlines only where the dialect allows them.
  void skip_space(bool newline_ok) {
    while (!at_end()) {
      const char c = peek();
      if (c == ' ' || c == '\t') {
        ++pos_;
      } else if (c == '#') {
        while (!at_end() && peek() != '\n' && peek() != '\r') ++pos_;
      } else if (newline_ok && (c == '\n' || c == '\r')) {
        ++pos_;
      } else {
        break;
      }
    }
  }

  std::string_view parse_name() {
    const size_t start = pos_;
    while (!at_end() && is_name_char(peek())) ++pos_;
    if (pos_ == start) fail(start, "expected rule name, found " + describe_here());
    return src_.substr(start, pos_ - start);
  }

  void parse_rule() {
    const size_t name_at = pos_;
    const std::string_view name = parse_name();
    const uint32_t rule = builder_.named_rule(name, where(name_at));
    skip_space(false);
    if (src_.substr(pos_, 3) != "::=") fail(pos_, "expected '::=', found " + describe_here());
    pos_ += 3;
    skip_space(true);
    Alternatives alts = parse_alternates(name, false);
    if (peek() == '\r') ++pos_;
    if (peek() == '\n') {
      ++pos_;
    } else if (!at_end()) {
      fail(pos_, "unexpected " + describe_here() + "; expected a symbol, '|' or end of line");
    }
    builder_.define(rule, std::move(alts), where(name_at));
    skip_space(true);
  }

  Alternatives parse_alternates(std::string_view rule_name, bool nested) {
    Alternatives alts;
    alts.push_back(parse_sequence(rule_name, nested));
    while (peek() == '|') {
      ++pos_;
      skip_space(true);
      alts.push_back(parse_sequence(rule_name, nested));
    }
    return alts;
  }

  uint32_t hex_digits(size_t count) {
    uint32_t value = 0;
    for (size_t i = 0; i < count; ++i) {
      const char c = peek();
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0) fail(pos_, "expected " + std::to_string(count) + " hex digits");
      value = value * 16 + static_cast<uint32_t>(digit);
      ++pos_;
    }
    if (value > kMaxCodePoint) fail(pos_, "code point out of range");
    return value;
  }

  // One character of a literal or class: an escape or a UTF-8 encoded code point.
  uint32_t parse_char() {
    if (at_end()) fail(pos_, "unexpected end of input");
    if (peek() == '\\') {
      const size_t at = pos_;
      ++pos_;
      const char c = peek();
      ++pos_;
      switch (c) {
        case 'x':
          return hex_digits(2);
        case 'u':
          return hex_digits(4);
        case 'U':
          return hex_digits(8);
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case 'n':
          return '\n';
        case '\\':
        case '"':
        case '[':
        case ']':
          return static_cast<uint32_t>(c);
        default:
          fail(at, "unknown escape sequence '\\" + std::string(1, c) + "'");
      }
    }
    Utf8Partial partial;
    uint32_t cp = 0;
    const size_t at = pos_;
    while (!at_end()) {
      const Utf8Step step = utf8_feed(partial, static_cast<uint8_t>(src_[pos_++]), cp);
      if (step == Utf8Step::kComplete) return cp;
      if (step == Utf8Step::kInvalid) break;
    }
    fail(at, "invalid UTF-8 in grammar text");
  }

  uint32_t single_char_class(uint32_t cp) {
    return builder_.add_class(CharClass({{cp, cp}}, false));
  }

  void parse_literal(Sequence& seq) {
    const size_t open = pos_++;
    while (peek() != '"') {
      if (at_end()) fail(open, "unterminated string literal");
      seq.push_back({ElemKind::kChar, single_char_class(parse_char())});
    }
    ++pos_;
  }

  void parse_class(Sequence& seq) {
    const size_t open = pos_++;
    const bool negated = peek() == '^';
    if (negated) ++pos_;
    std::vector<CharRange> ranges;
    while (peek() != ']') {
      if (at_end()) fail(open, "unterminated character class");
      const size_t at = pos_;
      const uint32_t lo = parse_char();
      uint32_t hi = lo;
      if (peek() == '-' && peek(1) != ']' && pos_ + 1 < src_.size()) {
        ++pos_;
        hi = parse_char();
        if (hi < lo) fail(at, "invalid character range (end before start)");
      }
      ranges.push_back({lo, hi});
    }
    ++pos_;
    if (ranges.empty() && !negated) fail(open, "empty character class");
    seq.push_back({ElemKind::kChar, builder_.add_class(CharClass(std::move(ranges), negated))});
  }

  size_t parse_count() {
    const size_t start = pos_;
    size_t value = 0;
    while (peek() >= '0' && peek() <= '9') {
      value = value * 10 + static_cast<size_t>(peek() - '0');
      if (value > 1'000'000'000) fail(start, "repetition count too large");
      ++pos_;
    }
    if (pos_ == start) fail(pos_, "expected an integer, found " + describe_here());
    return value;
  }

  // x{min,max} expands like llama.cpp: min copies, then nested optional rules
  // (x (x (x)?)?)? or a right-recursive rule when max is unbounded.
  void repeat(Sequence& seq, size_t last_sym, size_t min, size_t max, bool unbounded,
              std::string_view rule_name, size_t at) {
    if (last_sym >= seq.size()) fail(at, "expected an item before repetition operator");
    if (!unbounded && max < min) fail(at, "repetition maximum is below its minimum");
    const Sequence item(seq.begin() + static_cast<ptrdiff_t>(last_sym), seq.end());
    const size_t count = std::max<size_t>({min, unbounded ? 1 : max, 1});
    if (item.size() * count >= limits_.max_repetition_work) {
      fail(at, "repetition too large: " + std::to_string(item.size()) + " element(s) x " +
                   std::to_string(count) + " exceeds the limit of " +
                   std::to_string(limits_.max_repetition_work));
    }
    seq.resize(last_sym);
    for (size_t i = 0; i < min; ++i) seq.insert(seq.end(), item.begin(), item.end());
    const size_t optional = unbounded ? 1 : max - min;
    uint32_t inner = 0;
    for (size_t i = 0; i < optional; ++i) {
      const uint32_t rule = builder_.synthetic_rule(rule_name);
      Sequence body = item;
      if (unbounded) body.push_back({ElemKind::kRef, rule});
      if (i > 0) body.push_back({ElemKind::kRef, inner});
      builder_.define(rule, {std::move(body), {}}, where(at));
      inner = rule;
    }
    if (optional > 0) seq.push_back({ElemKind::kRef, inner});
  }

  Sequence parse_sequence(std::string_view rule_name, bool nested) {
    Sequence seq;
    size_t last_sym = 0;
    for (;;) {
      const char c = peek();
      const size_t at = pos_;
      if (c == '"') {
        last_sym = seq.size();
        parse_literal(seq);
      } else if (c == '[') {
        last_sym = seq.size();
        parse_class(seq);
      } else if (c == '.') {
        last_sym = seq.size();
        ++pos_;
        seq.push_back({ElemKind::kChar, builder_.add_class(CharClass({}, true))});
      } else if (is_name_char(c)) {
        last_sym = seq.size();
        const std::string_view name = parse_name();
        seq.push_back({ElemKind::kRef, builder_.named_rule(name, where(at))});
      } else if (c == '(') {
        last_sym = seq.size();
        if (++depth_ > limits_.max_nesting) fail(at, "parentheses nested too deeply");
        ++pos_;
        skip_space(true);
        const uint32_t group = builder_.synthetic_rule(rule_name);
        Alternatives alts = parse_alternates(rule_name, true);
        if (peek() != ')') fail(pos_, "expected ')', found " + describe_here());
        ++pos_;
        --depth_;
        builder_.define(group, std::move(alts), where(at));
        seq.push_back({ElemKind::kRef, group});
      } else if (c == '*' || c == '+' || c == '?') {
        ++pos_;
        repeat(seq, last_sym, c == '+' ? 1 : 0, 1, c != '?', rule_name, at);
      } else if (c == '{') {
        ++pos_;
        skip_space(nested);
        const size_t min = parse_count();
        size_t max = min;
        bool unbounded = false;
        skip_space(nested);
        if (peek() == ',') {
          ++pos_;
          skip_space(nested);
          if (peek() >= '0' && peek() <= '9') {
            max = parse_count();
          } else {
            unbounded = true;
          }
          skip_space(nested);
        }
        if (peek() != '}') fail(pos_, "expected '}', found " + describe_here());
        ++pos_;
        repeat(seq, last_sym, min, max, unbounded, rule_name, at);
      } else if (c == '<' || c == '!') {
        fail(at, "token references (<...>, !<...>) are not supported");
      } else {
        break;  // '|', ')', newline, end, or an error the caller reports
      }
      skip_space(nested);
    }
    return seq;
  }

  std::string_view src_;
  std::vector<size_t> line_starts_;
  ParseLimits limits_;
  size_t pos_ = 0;
  int depth_ = 0;
  GrammarBuilder builder_;
};

}  // namespace

Grammar parse_gbnf(std::string_view text, const ParseLimits& limits) {
  return Parser(text, limits).parse();
}

}  // namespace tandem::grammar
