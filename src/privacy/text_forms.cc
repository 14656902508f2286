#include "privacy/text_forms.h"

namespace tandem::privacy {

bool is_fullwidth_digit_at(std::string_view t, size_t i) {
  // U+FF10..U+FF19 is EF BC 90..99 in UTF-8.
  return i + 2 < t.size() && static_cast<unsigned char>(t[i]) == 0xEF &&
         static_cast<unsigned char>(t[i + 1]) == 0xBC &&
         static_cast<unsigned char>(t[i + 2]) >= 0x90 &&
         static_cast<unsigned char>(t[i + 2]) <= 0x99;
}

std::string fold_width(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(t[i]);
    if (b0 == 0xEF && i + 2 < t.size()) {
      const auto b1 = static_cast<unsigned char>(t[i + 1]);
      const auto b2 = static_cast<unsigned char>(t[i + 2]);
      // U+FF01..U+FF3F = EF BC 81..BF, U+FF40..U+FF5E = EF BD 80..9E; ASCII = cp - 0xFEE0.
      if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {
        out.push_back(static_cast<char>(b2 - 0x81 + 0x21));
        i += 2;
        continue;
      }
      if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {
        out.push_back(static_cast<char>(b2 - 0x80 + 0x60));
        i += 2;
        continue;
      }
    }
    out.push_back(t[i]);
  }
  return out;
}

std::string digits_key(std::string_view text) {
  const std::string folded = fold_width(text);
  std::string d;
  for (char c : folded) {
    if (c >= '0' && c <= '9')
      d.push_back(c);
    else if (c == 'x' || c == 'X')
      d.push_back('X');
  }
  const size_t first = folded.find_first_not_of(" \t(");
  const bool plus = first != std::string::npos && folded[first] == '+';
  bool intl = false;
  if (d.starts_with("0086")) {
    d.erase(0, 4);
    intl = true;
  } else if (d.starts_with("86") && (plus || (d.size() == 13 && d[2] == '1'))) {
    d.erase(0, 2);
    intl = true;
  }
  // Abroad a landline drops the trunk 0 of its area code: +86 10 ... is 010 ...
  if (intl && !d.empty() && d[0] != '1' && d[0] != '0') d.insert(d.begin(), '0');
  return d;
}

}  // namespace tandem::privacy
