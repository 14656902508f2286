#include "privacy/names/chinese_lexicon.h"

#include <cmath>

#include "privacy/names/chinese_lexicon_data.h"
#include "privacy/names/table_index.h"

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

const TableIndex& index_of(LexiconTable t) {
  // Built on first use, thread-safe (function-local statics), once per table.
  static const TableIndex words2(lexicon_data::kWords2, 6, 7), words3(lexicon_data::kWords3, 9, 10),
      words4(lexicon_data::kWords4, 12, 13), chars(lexicon_data::kChars, 3, 4),
      given(lexicon_data::kGiven, 3, 4), surnames1(lexicon_data::kSurnames1, 3, 4),
      surnames2(lexicon_data::kSurnames2, 6, 7);
  switch (t) {
    case LexiconTable::kWords2:
      return words2;
    case LexiconTable::kWords3:
      return words3;
    case LexiconTable::kWords4:
      return words4;
    case LexiconTable::kChars:
      return chars;
    case LexiconTable::kGiven:
      return given;
    case LexiconTable::kSurnames1:
      return surnames1;
    case LexiconTable::kSurnames2:
      break;
  }
  return surnames2;
}

std::optional<double> lookup(LexiconTable t, std::string_view key) {
  const std::string_view e = index_of(t).find(key);
  if (e.empty()) return std::nullopt;
  return decode(e.back());
}

// A character the dictionary never saw alone: as rare as its rarest entries (frequency 1 in
// 60 million occurrences).
constexpr double kUnknownCharCost = 17.9;

}  // namespace

int lexicon_cost_byte(LexiconTable t, std::string_view key) {
  const std::string_view e = index_of(t).find(key);
  return e.empty() ? -1 : static_cast<unsigned char>(e.back());
}

std::optional<double> chinese_word_cost(std::string_view utf8) {
  switch (utf8.size()) {
    case 6:
      return lookup(LexiconTable::kWords2, utf8);
    case 9:
      return lookup(LexiconTable::kWords3, utf8);
    case 12:
      return lookup(LexiconTable::kWords4, utf8);
    default:
      return std::nullopt;
  }
}

bool is_non_person_word(std::string_view utf8) {
  static const TableIndex index(lexicon_data::kNonPerson3, 9, 9);
  return !index.find(utf8).empty();
}

bool is_place_like(std::string_view utf8) {
  static constexpr std::string_view kSuffixes =
      "楼茶山区县市镇村路街湖河桥寺庙阁园馆柜店厂站港湾岛塔宫殿亭省州城";
  // Villages and towns named after a clan: 周庄, X家庄, X家角, X家嘴, X家湾, X家界. These
  // characters hardly end a given name.
  static constexpr std::string_view kClanPlaces = "庄角嘴浜界坝屯寨洼";
  if ((utf8.size() == 6 || (utf8.size() == 9 && utf8.substr(3, 3) == "家")) &&
      kClanPlaces.find(utf8.substr(utf8.size() - 3)) != std::string_view::npos)
    return true;
  if (utf8.size() != 9 || kSuffixes.find(utf8.substr(6)) == std::string_view::npos) return false;
  return chinese_word_cost(utf8) || chinese_word_cost(utf8.substr(0, 6));
}

bool inside_four_character_word(std::string_view text, size_t begin, size_t end) {
  constexpr size_t kWord = 12;  // four three-byte Han characters
  if (end - begin >= kWord) return false;
  for (size_t back = 0; back <= 6 && back <= begin; back += 3) {
    const size_t s = begin - back;
    if (s + kWord < end || s + kWord > text.size()) continue;
    const std::string_view w = text.substr(s, kWord);
    bool han = true;
    for (size_t i = 0; i < kWord; i += 3)
      han = han && static_cast<unsigned char>(w[i]) >= 0xE4 &&
            static_cast<unsigned char>(w[i]) <= 0xE9;
    if (han && chinese_word_cost(w)) return true;
  }
  return false;
}

double chinese_char_cost(std::string_view utf8_char) {
  if (utf8_char.size() != 3) return kUnknownCharCost;
  return lookup(LexiconTable::kChars, utf8_char).value_or(kUnknownCharCost);
}

double given_name_char_cost(std::string_view utf8_char) {
  if (utf8_char.size() != 3) return kUnseenGivenCost;
  return std::min(kUnseenGivenCost,
                  lookup(LexiconTable::kGiven, utf8_char).value_or(kUnseenGivenCost));
}

std::optional<double> surname_cost(std::string_view utf8) {
  if (utf8.size() == 3) return lookup(LexiconTable::kSurnames1, utf8);
  if (utf8.size() == 6) return lookup(LexiconTable::kSurnames2, utf8);
  return std::nullopt;
}

}  // namespace tandem::privacy
