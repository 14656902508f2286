#include "privacy/names/chinese_lexicon.h"

#include <cmath>

#include "privacy/names/chinese_lexicon_data.h"
#include "privacy/names/sorted_table.h"

namespace tandem::privacy {
namespace {

// Decoding of the generator's cost byte (make_word_lattice.py: BASE, STEP, printable bytes
// from 35 with the backslash skipped).
constexpr double kBase = 2.0, kStep = 0.2;

double decode(char c) {
  int b = static_cast<unsigned char>(c);
  if (b > 92) --b;
  return kBase + kStep * (b - 35);
}

// Bisection over entries of key.size() bytes + one cost byte.
std::optional<double> lookup(std::string_view table, std::string_view key) {
  const size_t w = key.size() + 1;
  size_t lo = 0, hi = table.size() / w;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const std::string_view e = table.substr(mid * w, key.size());
    if (e == key) return decode(table[mid * w + key.size()]);
    if (e < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return std::nullopt;
}

// A character the dictionary never saw alone: as rare as its rarest entries (frequency 1 in
// 60 million occurrences).
constexpr double kUnknownCharCost = 17.9;

}  // namespace

std::optional<double> chinese_word_cost(std::string_view utf8) {
  switch (utf8.size()) {
    case 6:
      return lookup(lexicon_data::kWords2, utf8);
    case 9:
      return lookup(lexicon_data::kWords3, utf8);
    case 12:
      return lookup(lexicon_data::kWords4, utf8);
    default:
      return std::nullopt;
  }
}

bool is_non_person_word(std::string_view utf8) {
  return utf8.size() == 9 && sorted_table_contains(lexicon_data::kNonPerson3, utf8);
}

bool is_place_like(std::string_view utf8) {
  static constexpr std::string_view kSuffixes =
      "楼茶山区县市镇村路街湖河桥寺庙阁园馆柜店厂站港湾岛塔宫殿亭省州城";
  if (utf8.size() != 9 || kSuffixes.find(utf8.substr(6)) == std::string_view::npos) return false;
  return chinese_word_cost(utf8) || chinese_word_cost(utf8.substr(0, 6));
}

double chinese_char_cost(std::string_view utf8_char) {
  if (utf8_char.size() != 3) return kUnknownCharCost;
  return lookup(lexicon_data::kChars, utf8_char).value_or(kUnknownCharCost);
}

double given_name_char_cost(std::string_view utf8_char) {
  if (utf8_char.size() != 3) return kUnseenGivenCost;
  return std::min(kUnseenGivenCost,
                  lookup(lexicon_data::kGiven, utf8_char).value_or(kUnseenGivenCost));
}

std::optional<double> surname_cost(std::string_view utf8) {
  if (utf8.size() == 3) return lookup(lexicon_data::kSurnames1, utf8);
  if (utf8.size() == 6) return lookup(lexicon_data::kSurnames2, utf8);
  return std::nullopt;
}

}  // namespace tandem::privacy
