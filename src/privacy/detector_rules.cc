#include "privacy/detector_rules.h"

#include <string>

#include "privacy/checksums.h"
#include "privacy/names.h"

namespace tandem::privacy {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string digits_only(std::string_view s) {
  std::string d;
  for (char c : s)
    if (is_digit(c)) d.push_back(c);
  return d;
}

// Sizes of the digit groups between spaces/dashes: "6222 0202 1" -> {4, 4, 1}.
std::vector<size_t> digit_groups(std::string_view s) {
  std::vector<size_t> g(1, 0);
  for (char c : s) {
    if (is_digit(c))
      ++g.back();
    else
      g.push_back(0);
  }
  return g;
}

// Printed card numbers come as one run, in groups of four (the last may be shorter), 4-6-5
// (Amex) / 4-6-4 (Diners), or 6 + rest (some UnionPay cards). Anything else is more likely
// several numbers side by side, e.g. a phone number followed by a year.
bool plausible_card_grouping(std::string_view s) {
  const auto g = digit_groups(s);
  if (g.size() == 1) return true;
  bool fours = true;
  for (size_t i = 0; i + 1 < g.size(); ++i) fours = fours && g[i] == 4;
  if (fours && g.back() >= 1 && g.back() <= 4) return true;
  if (g.size() == 3 && g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4)) return true;
  return g.size() == 2 && g[0] == 6;
}

size_t utf8_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >> 5 == 0x6) return 2;
  if (lead >> 4 == 0xE) return 3;
  return 4;
}

std::optional<Span> whole(std::string_view, const std::vector<Span>& g) {
  return g.front();
}

std::optional<Span> validate_id(std::string_view text, const std::vector<Span>& g) {
  const auto [b, e] = g.front();
  if (!resident_id_valid(text.substr(b, e - b))) return std::nullopt;
  return g.front();
}

std::optional<Span> validate_card(std::string_view text, const std::vector<Span>& g) {
  const auto [b, e] = g.front();
  const std::string_view raw = text.substr(b, e - b);
  const std::string d = digits_only(raw);
  if (d.size() < 13 || d.size() > 19 || !luhn_valid(d)) return std::nullopt;
  if (!plausible_card_grouping(raw)) return std::nullopt;
  if (d.size() == 18 && resident_id_valid(d)) return std::nullopt;  // an ID, not a card
  return g.front();
}

// groups: surname, given name (1-2 Han characters, trimmed at a particle or pronoun).
std::optional<Span> validate_chinese_name(std::string_view text, const std::vector<Span>& g) {
  const size_t begin = g[0].first;
  size_t end = g[1].first;
  int given = 0;
  while (end < g[1].second && given < 2) {
    const size_t n = utf8_len(static_cast<unsigned char>(text[end]));
    if (is_chinese_name_stop_char(text.substr(end, n))) break;
    end += n;
    ++given;
  }
  if (given == 0) return std::nullopt;
  if (is_common_chinese_word(text.substr(begin, end - begin))) return std::nullopt;
  return Span{begin, end};
}

// group 0: "First" or "First Second" (capitalized words). The first must not be an ordinary
// word; a trailing ordinary word is dropped ("I am Alice Today" -> Alice).
std::optional<Span> validate_english_name(std::string_view text, const std::vector<Span>& g) {
  const auto [b, e] = g.front();
  const std::string_view v = text.substr(b, e - b);
  const size_t space = v.find(' ');
  if (is_common_english_word(v.substr(0, space))) return std::nullopt;
  if (space != std::string_view::npos && is_common_english_word(v.substr(space + 1)))
    return Span{b, b + space};
  return g.front();
}

// Capitalized word, at least two letters, ending lower-case ("OK", "AI" are not names);
// apostrophes and hyphens inside (O'Brien, Jean-Luc).
constexpr const char* kEnglishName = "[A-Z][A-Za-z'\\-]*[a-z](?: [A-Z][A-Za-z'\\-]*[a-z])?";
constexpr const char* kOctet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

}  // namespace

std::vector<RuleSpec> detection_rules() {
  // Numeric patterns carry their own boundaries ((?:^|[^0-9]) ... (?:[^0-9]|$)) because RE2
  // has no look-around; the value is the first capture group.
  const std::string octet = kOctet;
  const std::string en = kEnglishName;
  return {
      {PiiType::kPhone,
       "(?:^|[^0-9])((?:\\+86[ -]?|86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2})(?:[^0-9]|$)", whole},
      {PiiType::kId, "(?:^|[^0-9])([0-9]{17}[0-9Xx])(?:[^0-9Xx]|$)", validate_id},
      {PiiType::kCard, "(?:^|[^0-9])([0-9](?:[ -]?[0-9]){12,18})(?:[^0-9]|$)", validate_card},
      {PiiType::kEmail,
       "([A-Za-z0-9._%+\\-]+@[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?"
       "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,24})",
       whole},
      {PiiType::kIp, "(?:^|[^0-9.])(" + octet + "(?:\\." + octet + "){3})(?:\\.?[^0-9.]|\\.?$)",
       whole},
      {PiiType::kName,
       "(?:我叫|我是|名字是|名字叫|姓名[:：]\\s*)(" + chinese_surname_alternation() +
           ")(\\p{Han}{1,2})",
       validate_chinese_name},
      {PiiType::kName, "\\b(?i:my\\s+name\\s+is)\\s+(" + en + ")", validate_english_name},
      {PiiType::kName, "\\bI(?:\\s+am|'m|’m)\\s+(" + en + ")", validate_english_name},
      {PiiType::kName, "\\b(?:Mr|Mrs|Ms|Dr)\\.?\\s+(" + en + ")", validate_english_name},
  };
}

}  // namespace tandem::privacy
