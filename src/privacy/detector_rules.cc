#include "privacy/detector_rules.h"

#include <algorithm>
#include <string>

#include "privacy/address.h"
#include "privacy/checksums.h"
#include "privacy/names/names.h"
#include "privacy/text_forms.h"

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
  // Written grouped 6-8-4 ("110105 19491231 002X") or in one run.
  std::string id = fold_width(text.substr(b, e - b));
  std::erase(id, ' ');
  if (!resident_id_valid(id)) return std::nullopt;
  return g.front();
}

// 15-digit IDs (issued before 1999) carry no check digit: the province code and a real
// 19YYMMDD birth date are all there is to check. A Luhn-valid 34/37 number is an Amex card.
std::optional<Span> validate_legacy_id(std::string_view text, const std::vector<Span>& g) {
  const auto [b, e] = g.front();
  const std::string d = fold_width(text.substr(b, e - b));
  if (!legacy_resident_id_valid(d)) return std::nullopt;
  if ((d.starts_with("34") || d.starts_with("37")) && luhn_valid(d)) return std::nullopt;
  return g.front();
}

std::optional<Span> validate_ipv6(std::string_view text, const std::vector<Span>& g) {
  auto [b, e] = g.front();
  return ipv6_valid(text.substr(b, e - b)) ? std::optional<Span>(Span{b, e}) : std::nullopt;
}

std::optional<Span> validate_card(std::string_view text, const std::vector<Span>& g) {
  const auto [b, e] = g.front();
  const std::string raw = fold_width(text.substr(b, e - b));
  const std::string d = digits_only(raw);
  // 13-digit cards are long retired; 13-digit Luhn-valid numbers today are mostly EAN-13
  // barcodes (6901234567892).
  if (d.size() < 14 || d.size() > 19 || !luhn_valid(d)) return std::nullopt;
  if (!plausible_card_grouping(raw)) return std::nullopt;
  if (d.size() == 18 && resident_id_valid(d)) return std::nullopt;  // an ID, not a card
  return g.front();
}

// A foreign number written after + or a phone cue: 8-15 digits in all (E.164 has at most 15),
// no group longer than 5 digits after the first (an order number in a phone's place is one long
// run), and dots only between groups of the same number (1.234.567 reads as an amount).
std::optional<Span> validate_foreign_phone(std::string_view text, const std::vector<Span>& g) {
  const auto [b, e] = g.front();
  const std::string raw = fold_width(text.substr(b, e - b));
  const std::string d = digits_only(raw);
  if (d.size() < 8 || d.size() > 15) return std::nullopt;
  size_t run = 0, longest_after_first = 0, groups = 0;
  bool first = true;
  for (char c : raw) {
    if (is_digit(c)) {
      ++run;
      continue;
    }
    if (run > 0) {
      if (!first) longest_after_first = std::max(longest_after_first, run);
      first = false;
      ++groups;
    }
    run = 0;
  }
  if (run > 0) {
    if (!first) longest_after_first = std::max(longest_after_first, run);
    ++groups;
  }
  // +447911123456 (E.164 as one run) is fine; grouped numbers keep their groups short.
  if (groups > 1 && longest_after_first > 8) return std::nullopt;
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
  auto [b, e] = g.front();
  // "Prof. Helen Hall's office": the possessive is not part of the name.
  if (e - b > 3 && text.substr(e - 2, 2) == "'s") e -= 2;
  const std::string_view v = text.substr(b, e - b);
  const size_t space = v.find(' ');
  if (is_common_english_word(v.substr(0, space))) return std::nullopt;
  if (space != std::string_view::npos && is_common_english_word(v.substr(space + 1)))
    return Span{b, b + space};
  return Span{b, e};
}

// Capitalized word, at least two letters, ending lower-case ("OK", "AI" are not names);
// apostrophes and hyphens inside (O'Brien, Jean-Luc).
constexpr const char* kEnglishName = "[A-Z][A-Za-z'\\-]*[a-z](?: [A-Z][A-Za-z'\\-]*[a-z])?";
constexpr const char* kOctet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
// A digit in either width, and the boundary around a number (RE2 has no look-around).
constexpr const char* kD = "[0-9\\x{FF10}-\\x{FF19}]";
constexpr const char* kBefore = "(?:^|[^0-9\\x{FF10}-\\x{FF19}])";
constexpr const char* kAfter = "(?:[^0-9\\x{FF10}-\\x{FF19}]|$)";

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

std::vector<RuleSpec> detection_rules() {
  // Numeric patterns carry their own boundaries (kBefore ... kAfter); the value is the first
  // capture group. Digits may be full-width (１３８...), separators spaces, dashes or dots.
  const std::string octet = kOctet, en = kEnglishName, d = kD, before = kBefore, after = kAfter;
  const std::string sep = "[ \\-.\\x{FF0D}]?";
  const std::string intl = "(?:(?:\\+|\\x{FF0B})86|0086)";
  const std::string area = "(?:10|2[0-9]|[3-9][0-9]{2})";  // area code without the trunk 0
  const std::string local = "[1-9][0-9]{2,3}[ \\-]?[0-9]{4}";
  const std::string dot = "(?:\\.|\\x{FF0E})";
  const std::string label = "[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?";
  const std::string cn_cue =
      "(?:我叫|我是|名字是|名字叫|(?:姓名|联系人|收件人|收货人|持卡人)[:：])\\s*";
  return {
      {PiiType::kPhone,
       before + "((?:" + intl + "[ \\-]?|86[ \\-]?)?[1\\x{FF11}][3-9\\x{FF13}-\\x{FF19}]" + d +
           "(?:" + sep + repeat(d, 4) + "){2})" + after,
       whole},
      // Landlines: 010-12345678, 0755 1234 5678, (010)12345678, +86 10 1234 5678. The area
      // code needs a separator or brackets: a bare 0 + 10 digits is as likely an order number.
      {PiiType::kPhone,
       before + "((?:" + intl + "[ \\-]?" + area + "[ \\-]?|[(\\x{FF08}]0" + area +
           "[)\\x{FF09}][ \\-]?|0" + area + "[ \\-])" + local + ")" + after,
       whole},
      // North American numbers: 415-555-0198, (415) 555-0173, +1 415 555-0123. The groups
      // must be separated by dashes (brackets, a space after the area code): a bare 10-digit
      // number or a dotted one (a version) is as likely anything else.
      {PiiType::kPhone,
       before + "((?:\\+?1[ \\-]?)?(?:\\([2-9][0-9]{2}\\) ?|[2-9][0-9]{2}[ \\-])" +
           "[2-9][0-9]{2}-[0-9]{4})" + after,
       whole},
      // International numbers: + and a country code, then the national number in groups
      // separated by spaces, dashes, dots or brackets (+44 20 7946 0958, +44 (0)20 7946 0958,
      // +33 1 23 45 67 89, +81 3-1234-5678, +49 176 12345678, +447911123456). Not after a
      // digit or letter (1+1, x+2).
      {PiiType::kPhone,
       std::string("(?:^|[^0-9A-Za-z+\\x{FF10}-\\x{FF19}])((?:\\+|\\x{FF0B})[1-9][0-9]{0,2}") +
           "(?:[ \\-.]?\\(0\\))?(?:[ \\-.]?\\(?[0-9]{1,8}\\)?){1,6})" + after,
       validate_foreign_phone},
      // National formats of other countries (UK 020 7946 0958, 07700 900123; JP 03-1234-5678,
      // 090-1234-5678; DE 0176 12345678; FR 06 12 34 56 78; US 415.555.0198, 00 + a country
      // code) only right after a phone cue: without one they look like order numbers.
      {PiiType::kPhone,
       std::string(
           "(?i:\\b(?:phone|tel|telephone|mobile|mob|cell|cellphone|fax|whatsapp|call|ring|text|"
           "landline|handy|contact number|phone number|my number|new number|reach me)\\b|"
           "电话|手机|座机|传真|致电|拨打|打给|号码是|電話|携帯)") +
           "[^0-9\\n+]{0,12}?((?:00[1-9][0-9]{0,2}[ \\-.]?)?(?:\\(0[0-9]{1,4}\\)|0[0-9]{1,4}|" +
           "[2-9][0-9]{2})(?:[ \\-.][0-9]{2,8}){1,4})" + after,
       validate_foreign_phone},
      {PiiType::kId,
       before + "(" + repeat(d, 6) + " ?" + repeat(d, 8) + " ?" + repeat(d, 3) +
           "[0-9Xx\\x{FF10}-\\x{FF19}\\x{FF38}\\x{FF58}])" +
           "(?:[^0-9Xx\\x{FF10}-\\x{FF19}\\x{FF38}\\x{FF58}]|$)",
       validate_id},
      {PiiType::kId, before + "(" + repeat(d, 15) + ")" + after, validate_legacy_id},
      {PiiType::kCard, before + "(" + d + "(?:[ \\-]?" + d + "){12,18})" + after, validate_card},
      {PiiType::kEmail,
       "([A-Za-z0-9._%+\\-]+(?:@|\\x{FF20})" + label + "(?:" + dot + label + ")*" + dot +
           "[A-Za-z]{2,24})",
       whole},
      // Not after a v (v2.14.0.3 is a version).
      {PiiType::kIp, "(?:^|[^0-9.vV])(" + octet + "(?:\\." + octet + "){3})(?:\\.?[^0-9.]|\\.?$)",
       whole},
      {PiiType::kIp,
       "(?:^|[^0-9A-Za-z:])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?:[^0-9A-Za-z:]|$)",
       validate_ipv6},
      {PiiType::kName, cn_cue + "(" + chinese_surname_alternation() + ")(\\p{Han}{1,2})",
       validate_chinese_name},
      {PiiType::kName, "\\b(?i:my\\s+name\\s+is)\\s+(" + en + ")", validate_english_name},
      {PiiType::kName, "\\b(?i:name)\\s*[:：]\\s*(" + en + ")", validate_english_name},
      {PiiType::kName, "\\bI(?:\\s+am|'m|’m)\\s+(" + en + ")", validate_english_name},
      {PiiType::kName, "\\b(?:Mr|Mrs|Ms|Dr|Prof|Miss)\\.?\\s+(" + en + ")", validate_english_name},
      {PiiType::kAddress, chinese_address_pattern(), validate_chinese_address},
      {PiiType::kAddress, english_address_pattern(), whole},
  };
}

}  // namespace tandem::privacy
