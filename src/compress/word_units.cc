#include "compress/word_units.h"

#include <algorithm>

namespace tandem::compress {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool all_space(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_space);
}

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The length of the placeholder starting at text[i] ('<'), or 0.
size_t placeholder_at(std::string_view text, size_t i) {
  size_t j = i + 1;
  if (j >= text.size() || !is_upper(text[j])) return 0;
  while (j < text.size() && (is_upper(text[j]) || text[j] == '_')) ++j;
  // The tag ends in '_' followed by the number: back up to the last '_'.
  if (text[j - 1] != '_') return 0;
  const size_t digits = j;
  while (j < text.size() && is_digit(text[j])) ++j;
  if (j == digits || j >= text.size() || text[j] != '>') return 0;
  return j + 1 - i;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> protected_spans(std::string_view text, bool protect_code) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '<')
      if (const size_t n = placeholder_at(text, i)) {
        out.emplace_back(i, i + n);
        i += n - 1;
      }
  if (protect_code) {
    for (size_t open = text.find("```"); open != std::string_view::npos;) {
      const size_t close = text.find("```", open + 3);
      const size_t end = close == std::string_view::npos ? text.size() : close + 3;
      out.emplace_back(open, end);
      if (close == std::string_view::npos) break;
      open = text.find("```", end);
    }
    std::sort(out.begin(), out.end());
  }
  return out;
}

std::vector<WordUnit> word_units(std::span<const std::string> pieces,
                                 std::span<const uint8_t> special, bool protect_code) {
  std::vector<WordUnit> units;
  std::string text;
  std::vector<size_t> offset;  // byte offset of each piece in `text`
  offset.reserve(pieces.size() + 1);
  for (const auto& p : pieces) {
    offset.push_back(text.size());
    text += p;
  }
  offset.push_back(text.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    const bool sp = i < special.size() && special[i];
    const bool prev_sp = i > 0 && i - 1 < special.size() && special[i - 1];
    bool starts = units.empty() || sp || prev_sp;
    if (!starts) {
      const std::string& prev = pieces[i - 1];
      const std::string& cur = pieces[i];
      // Whitespace belongs to the word after it: a unit starts at whitespace that follows a
      // word, or right after a word that ended in whitespace.
      const bool prev_blank = all_space(prev);
      starts = !prev_blank && ((!cur.empty() && is_space(cur.front())) ||
                               (!prev.empty() && is_space(prev.back())));
    }
    if (starts) units.push_back({i, i, sp});
    units.back().end = i + 1;
  }
  // Protected spans: every unit whose bytes overlap one.
  const auto spans = protected_spans(text, protect_code);
  size_t s = 0;
  for (auto& u : units) {
    const size_t b = offset[u.begin], e = offset[u.end];
    while (s < spans.size() && spans[s].second <= b) ++s;
    for (size_t k = s; k < spans.size() && spans[k].first < e; ++k)
      if (spans[k].second > b && spans[k].first < e) u.protect = true;
  }
  return units;
}

std::vector<WordUnit> word_units(const tokenizer::Tokenizer& tok,
                                 std::span<const tokenizer::TokenId> tokens, bool protect_code) {
  std::vector<std::string> pieces;
  std::vector<uint8_t> special;
  pieces.reserve(tokens.size());
  special.reserve(tokens.size());
  const auto& types = tok.vocab().types;
  for (const auto id : tokens) {
    pieces.push_back(tok.token_to_piece(id));
    const bool control =
        !types.empty() && id >= 0 && static_cast<size_t>(id) < types.size() &&
        (types[id] == tokenizer::TokenType::CONTROL || types[id] == tokenizer::TokenType::UNKNOWN);
    special.push_back(control ? 1 : 0);
  }
  return word_units(pieces, special, protect_code);
}

}  // namespace tandem::compress
