#include "template/jinja/lexer.h"

#include <algorithm>
#include <cstring>

#include "template/jinja/error.h"
#include "template/jinja/utf8.h"

namespace tandem::templates {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c);
}

// jinja2 joins source.splitlines() with "\n": \r\n and \r become \n, and one trailing newline
// is dropped because keep_trailing_newline is False.
std::string normalize_newlines(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out.push_back(source[i]);
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Python "unicode-escape" decoding, which jinja2 applies to string literals.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case '\n':
        break;
      case '\\':
      case '\'':
      case '"':
        out.push_back(c);
        break;
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case 'x':
      case 'u':
      case 'U': {
        const std::size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        char32_t cp = 0;
        bool ok = i + digits < s.size();
        for (std::size_t k = 1; ok && k <= digits; ++k) {
          const int h = hex_value(s[i + k]);
          if (h < 0)
            ok = false;
          else
            cp = cp * 16 + static_cast<char32_t>(h);
        }
        if (!ok) throw ParseError("truncated \\" + std::string(1, c) + " escape in string", 0, 0);
        utf8_append(out, cp);
        i += digits;
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          char32_t cp = static_cast<char32_t>(c - '0');
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k)
            cp = cp * 8 + static_cast<char32_t>(s[++i] - '0');
          utf8_append(out, cp);
        } else {
          out.push_back('\\');
          out.push_back(c);
        }
    }
  }
  return out;
}

class Lexer {
 public:
  Lexer(std::string source, const LexerOptions& options)
      : src_(std::move(source)), options_(options) {
    for (std::size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
  }

  std::vector<Token> run() {
    std::size_t pos = 0;
    while (pos < src_.size()) {
      std::size_t p = find_tag(pos);
      std::string text = src_.substr(pos, p - pos);
      if (p == src_.size()) {
        emit_text(std::move(text), pos);
        break;
      }
      const char kind = src_[p + 1];
      const char modifier = p + 2 < src_.size() ? src_[p + 2] : '\0';
      if (modifier == '-') {
        while (!text.empty() && is_space(text.back())) text.pop_back();
      } else if (kind != '{' && modifier != '+' && options_.lstrip_blocks) {
        lstrip(text, pos);
      }
      emit_text(std::move(text), pos);
      std::size_t inner = p + 2 + ((modifier == '-' || modifier == '+') ? 1 : 0);
      if (kind == '#') {
        pos = skip_comment(p, inner);
      } else if (kind == '%' && is_raw(inner)) {
        pos = lex_raw(p, inner);
      } else {
        pos = lex_tag(p, inner, kind == '%');
      }
    }
    tokens_.push_back(Token{TokenType::End, "", line_of(src_.size()), column_of(src_.size())});
    return std::move(tokens_);
  }

 private:
  std::size_t find_tag(std::size_t from) const {
    for (std::size_t i = from; i + 1 < src_.size(); ++i) {
      if (src_[i] == '{' && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#'))
        return i;
    }
    return src_.size();
  }

  // lstrip_blocks: drop spaces before a block tag when only whitespace precedes it on its line.
  void lstrip(std::string& text, std::size_t text_start) const {
    const std::size_t nl = text.rfind('\n');
    const std::size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
    const bool line_starting = text_start == 0 || src_[text_start - 1] == '\n';
    if (l_pos == 0 && !line_starting) return;
    if (l_pos == text.size()) return;
    for (std::size_t i = l_pos; i < text.size(); ++i)
      if (!is_space(text[i])) return;
    text.resize(l_pos);
  }

  void emit_text(std::string text, std::size_t pos) {
    if (text.empty()) return;
    tokens_.push_back(Token{TokenType::Text, std::move(text), line_of(pos), column_of(pos)});
  }

  // After a tag: "-" eats all following whitespace; trim_blocks eats one newline after %} / #}.
  std::size_t after_tag(std::size_t end, bool strip, bool block_like, bool plus) const {
    if (strip) {
      while (end < src_.size() && is_space(src_[end])) ++end;
    } else if (block_like && !plus && options_.trim_blocks && end < src_.size() &&
               src_[end] == '\n') {
      ++end;
    }
    return end;
  }

  std::size_t skip_comment(std::size_t start, std::size_t inner) const {
    const std::size_t close = src_.find("#}", inner);
    if (close == std::string::npos) fail("missing end of comment tag", start);
    const bool strip = close > inner && src_[close - 1] == '-';
    return after_tag(close + 2, strip, true, false);
  }

  bool is_raw(std::size_t inner) const {
    std::size_t i = inner;
    while (i < src_.size() && is_space(src_[i])) ++i;
    if (src_.compare(i, 3, "raw") != 0) return false;
    i += 3;
    return i < src_.size() && (is_space(src_[i]) || src_[i] == '-' || src_[i] == '%');
  }

  // {% raw %}...{% endraw %}: the body is emitted verbatim.
  std::size_t lex_raw(std::size_t start, std::size_t inner) {
    std::size_t open_end = src_.find("%}", inner);
    if (open_end == std::string::npos) fail("missing end of raw tag", start);
    const bool strip_open = src_[open_end - 1] == '-';
    std::size_t body = after_tag(open_end + 2, strip_open, true, false);
    for (std::size_t i = body; (i = src_.find("{%", i)) != std::string::npos; i += 2) {
      std::size_t j = i + 2;
      const bool strip_before = j < src_.size() && src_[j] == '-';
      if (strip_before || (j < src_.size() && src_[j] == '+')) ++j;
      while (j < src_.size() && is_space(src_[j])) ++j;
      if (src_.compare(j, 6, "endraw") != 0) continue;
      j += 6;
      while (j < src_.size() && is_space(src_[j])) ++j;
      const bool strip_after = j < src_.size() && src_[j] == '-';
      if (strip_after) ++j;
      if (src_.compare(j, 2, "%}") != 0) continue;
      std::string text = src_.substr(body, i - body);
      if (strip_before) {
        while (!text.empty() && is_space(text.back())) text.pop_back();
      } else if (options_.lstrip_blocks) {
        lstrip(text, body);
      }
      emit_text(std::move(text), body);
      return after_tag(j + 2, strip_after, true, false);
    }
    fail("missing endraw tag", start);
  }

  std::size_t lex_tag(std::size_t start, std::size_t i, bool block) {
    tokens_.push_back(Token{block ? TokenType::BlockBegin : TokenType::VarBegin, "", line_of(start),
                            column_of(start)});
    int depth = 0;
    while (true) {
      while (i < src_.size() && is_space(src_[i])) ++i;
      if (i >= src_.size())
        fail(block ? "missing end of block tag" : "missing end of print tag", start);
      if (depth == 0) {
        const char* close = block ? "%}" : "}}";
        for (const char mod : {'-', '+', '\0'}) {
          if (mod == '+' && !block) continue;
          const std::size_t at = mod ? i + 1 : i;
          if ((mod == '\0' || src_[i] == mod) && src_.compare(at, 2, close) == 0) {
            tokens_.push_back(Token{block ? TokenType::BlockEnd : TokenType::VarEnd, "", line_of(i),
                                    column_of(i)});
            return after_tag(at + 2, mod == '-', block, mod == '+');
          }
        }
      }
      i = lex_token(i, depth);
    }
  }

  std::size_t lex_token(std::size_t i, int& depth) {
    const int line = line_of(i);
    const int col = column_of(i);
    const char c = src_[i];
    if (is_name_start(c)) {
      std::size_t j = i;
      while (j < src_.size() && is_name_char(src_[j])) ++j;
      tokens_.push_back(Token{TokenType::Name, src_.substr(i, j - i), line, col});
      return j;
    }
    if (is_digit(c)) return lex_number(i, line, col);
    if (c == '\'' || c == '"') {
      std::size_t j = i + 1;
      while (j < src_.size() && src_[j] != c) j += src_[j] == '\\' ? 2 : 1;
      if (j >= src_.size()) fail("unterminated string literal", i);
      std::string value;
      try {
        value = unescape(std::string_view(src_).substr(i + 1, j - i - 1));
      } catch (const ParseError& e) {
        throw ParseError(e.what(), line, col);
      }
      tokens_.push_back(Token{TokenType::String, std::move(value), line, col});
      return j + 1;
    }
    static const char* const two[] = {"//", "**", "==", "!=", "<=", ">="};
    for (const char* op : two) {
      if (src_.compare(i, 2, op) == 0) {
        tokens_.push_back(Token{TokenType::Operator, op, line, col});
        return i + 2;
      }
    }
    if (std::strchr("+-*/%~[](){}<>=.:|,;", c) != nullptr) {
      if (c == '(' || c == '[' || c == '{') ++depth;
      if ((c == ')' || c == ']' || c == '}') && --depth < 0)
        fail(std::string("unexpected '") + c + "'", i);
      tokens_.push_back(Token{TokenType::Operator, std::string(1, c), line, col});
      return i + 1;
    }
    fail(std::string("unexpected char '") + c + "'", i);
  }

  std::size_t lex_number(std::size_t i, int line, int col) {
    auto digits = [&](std::size_t j) {
      while (j < src_.size() && (is_digit(src_[j]) ||
                                 (src_[j] == '_' && j + 1 < src_.size() && is_digit(src_[j + 1]))))
        ++j;
      return j;
    };
    std::size_t j = digits(i);
    bool is_float = false;
    // After a '.', "0.1" is two subscripts (foo.0.1), as in jinja2's float regex.
    const bool after_dot = !tokens_.empty() && tokens_.back().type == TokenType::Operator &&
                           tokens_.back().value == ".";
    if (!after_dot && j + 1 < src_.size() && src_[j] == '.' && is_digit(src_[j + 1])) {
      j = digits(j + 1);
      is_float = true;
    }
    if (!after_dot && j < src_.size() && (src_[j] == 'e' || src_[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < src_.size() && (src_[k] == '+' || src_[k] == '-')) ++k;
      if (k < src_.size() && is_digit(src_[k])) {
        j = digits(k);
        is_float = true;
      }
    }
    std::string text = src_.substr(i, j - i);
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    tokens_.push_back(Token{is_float ? TokenType::Float : TokenType::Integer, text, line, col});
    return j;
  }

  int line_of(std::size_t pos) const {
    return static_cast<int>(std::upper_bound(line_starts_.begin(), line_starts_.end(), pos) -
                            line_starts_.begin());
  }
  int column_of(std::size_t pos) const {
    return static_cast<int>(pos - line_starts_[static_cast<std::size_t>(line_of(pos) - 1)]) + 1;
  }

  [[noreturn]] void fail(const std::string& message, std::size_t pos) const {
    throw ParseError(message, line_of(pos), column_of(pos));
  }

  std::string src_;
  LexerOptions options_;
  std::vector<Token> tokens_;
  std::vector<std::size_t> line_starts_{0};  // offset of the first char of each line
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const LexerOptions& options) {
  return Lexer(normalize_newlines(source), options).run();
}

}  // namespace tandem::templates
