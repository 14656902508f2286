#include "privacy/masker.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "privacy/text_forms.h"

namespace tandem::privacy {
namespace {

bool is_numeric_type(PiiType t) {
  return t == PiiType::kPhone || t == PiiType::kId || t == PiiType::kCard;
}

bool is_word_byte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

// A byte that can be part of a written number: digits (ASCII or the UTF-8 bytes of a
// full-width digit, checked by the caller), separators and the international prefix.
bool is_number_byte(char c) {
  return (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '.' || c == '+' || c == '(' ||
         c == ')' || c == 'X' || c == 'x';
}

// Shortest key worth matching: anything shorter is too likely to occur by chance.
constexpr size_t kMinDigitsKey = 7;

}  // namespace

const std::string& Masker::placeholder_for(const PiiMatch& m) {
  auto it = by_value_.find(m.value);
  if (it != by_value_.end()) return it->second;
  std::string key;
  if (is_numeric_type(m.type)) {
    key = digits_key(m.value);
    if (auto d = by_digits_.find(key); d != by_digits_.end() && key.size() >= kMinDigitsKey) {
      // The same number written differently keeps its placeholder; unmask gives the first form.
      type_of_.emplace(m.value, m.type);
      return by_value_.emplace(m.value, d->second).first->second;
    }
  }
  const size_t n = ++counters_[static_cast<size_t>(m.type)];
  std::string ph = "<";
  ph.append(pii_tag(m.type)).append("_").append(std::to_string(n)).append(">");
  by_placeholder_.emplace(ph, m.value);
  if (key.size() >= kMinDigitsKey) by_digits_.emplace(key, ph);
  type_of_.emplace(m.value, m.type);
  return by_value_.emplace(m.value, std::move(ph)).first->second;
}

void Masker::add_known_exact(std::string_view text, std::vector<PiiMatch>& out) const {
  for (const auto& [value, type] : type_of_) {
    if (value.size() < 2) continue;
    for (size_t pos = text.find(value); pos != std::string_view::npos;
         pos = text.find(value, pos + 1)) {
      const size_t end = pos + value.size();
      // "Ann" is not masked inside "Annual": ASCII words match whole only.
      if (is_word_byte(value.front()) && pos > 0 && is_word_byte(text[pos - 1])) continue;
      if (is_word_byte(value.back()) && end < text.size() && is_word_byte(text[end])) continue;
      out.push_back({type, pos, end, value});
    }
  }
}

void Masker::add_known_digits(std::string_view text, std::vector<PiiMatch>& out) const {
  if (by_digits_.empty()) return;
  size_t i = 0;
  while (i < text.size()) {
    const bool starts = (text[i] >= '0' && text[i] <= '9') || text[i] == '+' || text[i] == '(' ||
                        is_fullwidth_digit_at(text, i);
    if (!starts) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size()) {
      if (is_fullwidth_digit_at(text, j))
        j += 3;
      else if (is_number_byte(text[j]))
        ++j;
      else
        break;
    }
    // Trim separators off the end of the run ("13800138000. " ends at the last digit).
    size_t end = j;
    while (end > i && !(text[end - 1] >= '0' && text[end - 1] <= '9') &&
           !(end - i >= 3 && is_fullwidth_digit_at(text, end - 3)) && text[end - 1] != 'X' &&
           text[end - 1] != 'x' && text[end - 1] != ')')
      --end;
    // Brackets around the whole number are the sentence's, not the number's: "(13800138000)"
    // masks the digits and keeps its brackets; "(010)12345678" keeps its area code's.
    size_t begin = i;
    if (text[begin] == '(') {
      const size_t close = text.substr(begin, end - begin).find(')');
      if (close == std::string_view::npos || begin + close + 1 == end) ++begin;
    }
    if (end > begin && text[end - 1] == ')' &&
        text.substr(begin, end - 1 - begin).find('(') == std::string_view::npos)
      --end;
    const std::string key = digits_key(text.substr(begin, end - begin));
    const bool glued = (begin > 0 && is_word_byte(text[begin - 1])) ||
                       (end < text.size() && is_word_byte(text[end]));
    if (!glued && key.size() >= kMinDigitsKey) {
      if (auto it = by_digits_.find(key); it != by_digits_.end()) {
        const std::string_view v = *value_of(it->second);
        // The first form written inside a longer run ("(+86) " before it): mask just that,
        // so unmasking gives back the client's text exactly; another form masks the run.
        const size_t at = text.substr(begin, end - begin).find(v);
        if (at != std::string_view::npos) {
          begin += at;
          end = begin + v.size();
        }
        out.push_back({type_of_.at(std::string(v)), begin, end, std::string(v)});
      }
    }
    i = std::max(j, i + 1);
  }
}

std::vector<PiiMatch> Masker::find(std::string_view text) const {
  std::vector<PiiMatch> cands = detector_->detect(text);
  if (type_of_.empty()) return cands;
  add_known_exact(text, cands);
  add_known_digits(text, cands);
  // Longest first, then earliest; keep what does not overlap a kept span.
  std::sort(cands.begin(), cands.end(), [](const PiiMatch& a, const PiiMatch& b) {
    if (a.end - a.begin != b.end - b.begin) return a.end - a.begin > b.end - b.begin;
    return a.begin < b.begin;
  });
  std::map<size_t, size_t> spans;  // begin -> end of kept matches; disjoint, so ordered by end
  std::vector<PiiMatch> kept;
  for (auto& c : cands) {
    auto next = spans.lower_bound(c.end);  // first kept span starting at or after c.end
    if (next != spans.begin() && std::prev(next)->second > c.begin) continue;
    spans.emplace(c.begin, c.end);
    kept.push_back(std::move(c));
  }
  std::sort(kept.begin(), kept.end(),
            [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; });
  return kept;
}

std::string Masker::mask(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (auto& m : find(text)) {
    out.append(text.substr(pos, m.begin - pos));
    // A known value matched in another form (digits) keeps the text it was found in.
    m.value = std::string(text.substr(m.begin, m.end - m.begin));
    out.append(placeholder_for(m));
    pos = m.end;
    history_.push_back(std::move(m));
  }
  out.append(text.substr(pos));
  return out;
}

void Masker::learn(std::string_view text) {
  for (const auto& m : detector_->detect(text)) placeholder_for(m);
}

void Masker::learn_value(std::string_view value, PiiType type) {
  if (value.empty()) return;
  PiiMatch m;
  m.type = type;
  m.end = value.size();
  m.value = std::string(value);
  placeholder_for(m);
}

std::vector<std::string> Masker::mask_all(std::span<const std::string> texts) {
  for (const auto& t : texts) learn(t);
  std::vector<std::string> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(mask(t));
  return out;
}

std::optional<std::string_view> Masker::value_of(std::string_view placeholder) const {
  auto it = by_placeholder_.find(placeholder);
  if (it == by_placeholder_.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool Masker::is_placeholder_prefix(std::string_view s) const {
  // The smallest placeholder not less than s starts with s if any does.
  auto it = by_placeholder_.lower_bound(s);
  return it != by_placeholder_.end() && it->first.size() > s.size() &&
         std::string_view(it->first).starts_with(s);
}

std::string Masker::unmask(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t lt = text.find('<', pos);
    if (lt == std::string_view::npos) break;
    const size_t gt = text.find_first_of("<>", lt + 1);
    if (gt != std::string_view::npos && text[gt] == '>') {
      if (auto v = value_of(text.substr(lt, gt - lt + 1))) {
        out.append(text.substr(pos, lt - pos)).append(*v);
        pos = gt + 1;
        continue;
      }
    }
    out.append(text.substr(pos, lt + 1 - pos));
    pos = lt + 1;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace tandem::privacy
