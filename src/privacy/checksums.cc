#include "privacy/checksums.h"

#include <cctype>

#include <algorithm>
#include <array>

namespace tandem::privacy {
namespace {
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
int number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}
}  // namespace

bool luhn_valid(std::string_view digits) {
  if (!all_digits(digits)) return false;
  int sum = 0;
  bool dbl = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool valid_date(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = month == 2 && leap ? 29 : kDays[static_cast<size_t>(month - 1)];
  return day <= max_day;
}

char resident_id_check_char(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[static_cast<size_t>(sum % 11)];
}

namespace {
// The first two digits of an ID are a province-level code (GB/T 2260).
bool province_code_valid(std::string_view two_digits) {
  static constexpr std::array<int, 36> kProvinces = {
      11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
      44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91};
  return std::find(kProvinces.begin(), kProvinces.end(), number(two_digits)) != kProvinces.end();
}
}  // namespace

bool legacy_resident_id_valid(std::string_view id) {
  if (id.size() != 15 || !all_digits(id) || !province_code_valid(id.substr(0, 2))) return false;
  return valid_date(1900 + number(id.substr(6, 2)), number(id.substr(8, 2)),
                    number(id.substr(10, 2)));
}

bool resident_id_valid(std::string_view id) {
  if (id.size() != 18 || !all_digits(id.substr(0, 17))) return false;
  if (!province_code_valid(id.substr(0, 2))) return false;
  const int year = number(id.substr(6, 4));
  if (year < 1800 || year > 2099) return false;
  if (!valid_date(year, number(id.substr(10, 2)), number(id.substr(12, 2)))) return false;
  const char check = id[17] == 'x' ? 'X' : id[17];
  return resident_id_check_char(id.substr(0, 17)) == check;
}

bool ipv6_valid(std::string_view s) {
  const size_t dbl = s.find("::");
  if (dbl != std::string_view::npos && s.find("::", dbl + 1) != std::string_view::npos)
    return false;
  int groups = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ':') {
      if (i == dbl) {
        i += 2;
        continue;
      }
      if (i == 0 || i + 1 == s.size()) return false;  // a lone leading or trailing colon
      ++i;
      continue;
    }
    size_t n = 0;
    while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i, ++n;
    if (n == 0 || n > 4 || (i < s.size() && s[i] != ':')) return false;
    ++groups;
  }
  return dbl == std::string_view::npos ? groups == 8 : groups >= 1 && groups <= 7;
}

}  // namespace tandem::privacy
