#include "privacy/names/english_names.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>
#include <unordered_set>

#include "privacy/names/english_lexicon.h"
#include "privacy/names/english_name_lists.h"

namespace tandem::privacy {
namespace {

struct Word {
  size_t begin = 0, end = 0;
  std::string_view text;
  bool capitalised = false;     // Upper-case first letter, lower-case last ("OK" is not)
  bool sentence_start = false;  // first word of the text or of a sentence
  bool space_before = false;    // separated from the previous word by exactly one space
};

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Bytes of a Latin letter with a diacritic (ö, é, ñ: U+00C0..U+017F, lead bytes C3..C5) count as
// letters inside a word, so Björn and José are one word.
bool is_latin_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 0xC3 && b <= 0xC5) || (b >= 0x80 && b <= 0xBF);
}

// The same at text[i], with Vietnamese letters (ễ, ị: U+1EA0..U+1EFF, bytes E1 BA/BB xx).
bool is_latin_at(std::string_view text, size_t i) {
  const auto b = static_cast<unsigned char>(text[i]);
  if (b == 0xE1)
    return i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xFE) == 0xBA;
  return is_latin_byte(text[i]);
}

// A capital with a diacritic starting a word (Ł, Ö, É: U+00C0..U+00DE, or an even code point of
// Latin Extended-A, where capitals and small letters alternate).
bool latin_capital_at(std::string_view text, size_t i) {
  if (i + 1 >= text.size()) return false;
  const auto b0 = static_cast<unsigned char>(text[i]), b1 = static_cast<unsigned char>(text[i + 1]);
  if (b0 == 0xC3) return b1 >= 0x80 && b1 <= 0x9E && b1 != 0x97;
  if (b0 != 0xC4 && b0 != 0xC5) return false;
  const int cp = ((b0 & 0x1F) << 6) | (b1 & 0x3F);
  return (cp >= 0x139 && cp <= 0x148) ? cp % 2 == 1 : cp % 2 == 0;
}

bool has_diacritic(std::string_view w) {
  return std::any_of(w.begin(), w.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Capitalised words with diacritics that are places, brands or dishes rather than people: a
// diacritic is otherwise good evidence of a name in English text (José, Björn, Siobhán).
bool diacritic_non_name(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "São",      "Zürich",     "Malmö",    "Montréal", "Québec",  "Bogotá",  "Kraków",  "München",
      "Köln",     "Düsseldorf", "Curaçao",  "Réunion",  "Türkiye", "Pokémon", "Nestlé",  "Citroën",
      "Škoda",    "Moët",       "Café",     "Crème",    "Résumé",  "Häagen",  "Perú",    "Panamá",
      "Medellín", "Cancún",     "Göteborg", "Wrocław",  "Gdańsk",  "Łódź",    "Ålesund", "Tromsø"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

// Abbreviated titles whose full stop does not end a sentence: "Dear Mr. Fernandez".
bool title_abbreviation_before(std::string_view text, size_t dot) {
  static constexpr std::string_view kTitles[] = {"Mr", "Mrs", "Ms", "Dr", "Prof"};
  for (auto t : kTitles)
    if (dot >= t.size() && text.substr(dot - t.size(), t.size()) == t &&
        (dot == t.size() || !is_alpha(text[dot - t.size() - 1])))
      return true;
  return false;
}

bool starts_sentence(std::string_view text, size_t begin) {
  size_t i = begin;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '"' || text[i - 1] == '\'' ||
                   text[i - 1] == '(' || text[i - 1] == '\t'))
    --i;
  if (i == 0) return true;
  const char c = text[i - 1];
  if (c == '.' && title_abbreviation_before(text, i - 1)) return false;
  if (c == '.' || c == '!' || c == '?' || c == '\n' || c == '\r') return true;
  // 。！？ end in 0x82 (E3 80 82), 0x81 (EF BC 81), 0x9F (EF BC 9F).
  if (i >= 3) {
    const std::string_view t = text.substr(i - 3, 3);
    if (t == "。" || t == "！" || t == "？") return true;
  }
  return false;
}

std::vector<Word> split_words(std::string_view text) {
  std::vector<Word> words;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_alpha(text[i]) && !latin_capital_at(text, i)) {
      ++i;
      continue;
    }
    Word w;
    w.begin = i;
    while (i < text.size() &&
           (is_alpha(text[i]) || is_latin_at(text, i) ||
            ((text[i] == '\'' || text[i] == '-') && i + 1 < text.size() && is_alpha(text[i + 1]))))
      ++i;
    // "Musk's": the possessive is not part of the name.
    if (i - w.begin > 2 && text.substr(i - 2, 2) == "'s") i -= 2;
    w.end = i;
    w.text = text.substr(w.begin, w.end - w.begin);
    w.capitalised =
        w.text.size() >= 2 &&
        ((w.text.front() >= 'A' && w.text.front() <= 'Z') || latin_capital_at(w.text, 0)) &&
        ((w.text.back() >= 'a' && w.text.back() <= 'z') || is_latin_byte(w.text.back()));
    w.sentence_start = starts_sentence(text, w.begin);
    w.space_before =
        w.begin >= 1 && text[w.begin - 1] == ' ' && (w.begin < 2 || text[w.begin - 2] != ' ');
    // Words glued to digits, '@', '/', '_' or '.' are identifiers, URLs or e-mail parts.
    const bool glued_before =
        w.begin > 0 &&
        (text[w.begin - 1] == '@' || text[w.begin - 1] == '/' || text[w.begin - 1] == '_' ||
         text[w.begin - 1] == '.' || (text[w.begin - 1] >= '0' && text[w.begin - 1] <= '9'));
    const bool glued_after =
        i < text.size() &&
        (text[i] == '@' || text[i] == '_' || text[i] == '/' || (text[i] >= '0' && text[i] <= '9') ||
         (text[i] == '.' && i + 1 < text.size() && is_alpha(text[i + 1])));
    if (glued_before || glued_after) w.capitalised = false;
    words.push_back(w);
  }
  return words;
}

// Cues strong enough for a capitalised word that is in no name list: "call Zora". Words like
// "from", "to", "with" also precede places and products ("from Beijing", "with Python").
bool strong_cue(std::string_view w) {
  static constexpr std::string_view kWeakOnly[] = {"from",    "by",      "and",      "to",
                                                   "for",     "with",    "meeting",  "visit",
                                                   "visited", "regards", "sincerely"};
  std::string lower(w);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return person_cue_word(w) &&
         std::find(std::begin(kWeakOnly), std::end(kWeakOnly), lower) == std::end(kWeakOnly);
}

// A capitalised word that may be a family name after a given name.
bool surname_like(const Word& w) {
  return w.capitalised && w.space_before && !common_capitalised_word(w.text) &&
         english_first_name(w.text) != FirstName::kAmbiguous;
}

// A Chinese verb that takes a person as its subject right after the word: "Lily 负责 PPT",
// "Shakespeare 写过". Not 是/的/和, which follow products and places as readily.
bool chinese_person_verb_after(std::string_view text, size_t end) {
  static constexpr std::string_view kVerbs[] = {"说",   "负责", "写",   "问",   "告诉", "觉得",
                                                "认为", "同学", "老师", "先生", "女士"};
  if (end < text.size() && text[end] == ' ') ++end;
  const std::string_view rest = text.substr(end);
  for (auto v : kVerbs)
    if (rest.starts_with(v)) return true;
  return false;
}

bool possessive_after(std::string_view text, size_t end) {
  return text.substr(end).starts_with("'s ");
}

// Two English words set alone in Chinese text ("讲讲 Isaac Newton 和…"): a pair of capitalised
// words there is a person far more often than in English prose, where it may be a title.
bool set_in_chinese(std::string_view text, size_t begin, size_t end) {
  while (begin > 0 && text[begin - 1] == ' ') --begin;
  while (end < text.size() && text[end] == ' ') ++end;
  return (begin == 0 || static_cast<unsigned char>(text[begin - 1]) >= 0x80) && end < text.size() &&
         static_cast<unsigned char>(text[end]) >= 0xE3;
}

// Short ordinary words make titles and products (Star Wars, Red Hat, Final Cut); a listed name
// or two longer words make a person more likely (Isaac Newton, Taylor Swift).
bool name_shaped_pair(const Word& a, const Word& b) {
  return english_first_name(a.text) != FirstName::kNone || english_family_name(a.text) ||
         english_family_name(b.text) || (a.text.size() >= 5 && b.text.size() >= 5);
}

// Whether words[j] follows words[j - 1] after exactly one space: "Holmes 和 Watson" is two names.
bool adjacent(std::string_view text, const std::vector<Word>& words, size_t j) {
  return j > 0 && j < words.size() && words[j].begin == words[j - 1].end + 1 &&
         text[words[j - 1].end] == ' ';
}

// Lower-case particles inside a family name: "Vincent van Gogh", "Leonardo da Vinci".
bool name_particle(std::string_view w) {
  static constexpr std::string_view kParticles[] = {"van", "von", "de",  "da",  "del",
                                                    "di",  "du",  "der", "den", "le"};
  return std::find(std::begin(kParticles), std::end(kParticles), w) != std::end(kParticles);
}

// A passport-style surname in capitals before a pinyin given name: "ZHAO Ruoxi".
bool upper_pinyin_surname(std::string_view w) {
  if (w.size() < 2 || !std::all_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return false;
  std::string t(w);
  for (size_t k = 1; k < t.size(); ++k) t[k] = static_cast<char>(t[k] - 'A' + 'a');
  return pinyin_surname(t);
}

std::string title_case(std::string_view w) {
  std::string t(w);
  for (size_t k = 1; k < t.size(); ++k)
    t[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(t[k])));
  return t;
}

// A given name in capitals after such a surname, as passports print both: "LIU YANG". Not in a
// text written all in capitals, where any two words look so.
bool upper_pinyin_given(std::string_view text, std::string_view w) {
  return w.size() >= 2 &&
         std::all_of(w.begin(), w.end(), [](char c) { return c >= 'A' && c <= 'Z'; }) &&
         pinyin_word(w) && std::any_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0xE3;
         });
}

// Common English words that are also pinyin syllables ("he", "can", "sun", "long"): a pair of
// them in lower case is English, not a name.
bool english_pinyin_word(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "a", "an", "ah", "ai", "ba", "ban", "bang", "ben", "bin", "bo", "bun", "can", "cha", "chi",
      "da", "die", "din", "ding", "dong", "e", "en", "fa", "fan", "fen", "fun", "gang", "gen",
      "gun", "ha", "hang", "he", "hen", "hum", "hung", "la", "lie", "long", "lu", "ma", "man", "me",
      "men", "min", "mo", "na", "nun", "o", "pa", "pan", "pen", "pie", "pin", "ping", "po", "ran",
      "rang", "run", "sang", "she", "shun", "song", "sun", "tan", "tang", "ten", "tie", "ting",
      "wan", "ye", "yo", "you", "zen",
      // The loose syllable parse also takes these short words for pinyin.
      "to", "go", "so", "no", "do", "we", "be", "hi", "lo", "bye", "hey", "yes", "ok"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

bool all_lower(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// A lower-case pinyin pair, as chat writes names ("tell sun jun", "wenjie lin说"): one part a
// surname, both pinyin, not both English words, no listed phrase or place ("ni hao",
// "hang zhou"), and no other pinyin word beside it (a sentence in pinyin, "wo men qu chi fan").
bool lower_pinyin_name(std::string_view text, const std::vector<Word>& words, size_t i) {
  const Word& a = words[i];
  const Word& b = words[i + 1];
  if (a.text.size() < 2 || b.text.size() < 2 || !all_lower(a.text) || !all_lower(b.text) ||
      a.text == b.text || !pinyin_word(a.text) || !pinyin_word(b.text))
    return false;
  std::string ta = title_case(a.text), tb = title_case(b.text);
  ta[0] = static_cast<char>(ta[0] - 'a' + 'A');
  tb[0] = static_cast<char>(tb[0] - 'a' + 'A');
  if (!pinyin_surname(ta) && !pinyin_surname(tb)) return false;
  // Beside an English word ("long", "sun", "ma") the other must not end in e, as English words
  // the loose parse takes for pinyin mostly do (time, came, gave); "he"/"she" start clauses.
  const bool english_a = english_pinyin_word(a.text), english_b = english_pinyin_word(b.text);
  if ((english_a && b.text.back() == 'e') || (english_b && a.text.back() == 'e') ||
      a.text == "he" || a.text == "she")
    return false;
  if ((english_a && english_b) || pinyin_phrase(ta + " " + tb) ||
      common_capitalised_word(ta + std::string(b.text)))
    return false;
  auto pinyin_beside = [&](size_t j) {
    return all_lower(words[j].text) && pinyin_word(words[j].text) &&
           !english_pinyin_word(words[j].text);
  };
  return !(i > 0 && adjacent(text, words, i) && pinyin_beside(i - 1)) &&
         !(adjacent(text, words, i + 2) && pinyin_beside(i + 2));
}

// Other mentions of a name already found, and a capitalised word joined to one by "and"/"or"
// ("Ramón and Aoife"): people are listed with people.
void add_mentions_and_partners(std::string_view text, const std::vector<Word>& words,
                               std::vector<Span>& out) {
  // A bisection and a hash set rather than scans: megabyte inputs hold ~10^5 names.
  std::sort(out.begin(), out.end());
  std::vector<size_t> reach(out.size());  // reach[k]: the furthest end of out[0..k]
  for (size_t k = 0; k < out.size(); ++k)
    reach[k] = std::max(out[k].second, k > 0 ? reach[k - 1] : 0);
  auto covered = [&](const Word& w) {
    const auto k = std::lower_bound(out.begin(), out.end(), Span{w.end, 0}) - out.begin();
    return k > 0 && reach[static_cast<size_t>(k) - 1] > w.begin;
  };
  std::unordered_set<std::string_view> found;
  for (const Span& s : out) {
    const std::string_view t = text.substr(s.first, s.second - s.first);
    found.insert(t.substr(0, t.find(' ')));
  }
  std::vector<Span> extra;
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    if (!w.capitalised || covered(w) || common_capitalised_word(w.text)) continue;
    bool name = found.contains(w.text);
    for (const size_t other : {i + 2, i - 2}) {
      if (name || other >= words.size()) continue;
      const Word& mid = words[i < other ? i + 1 : i - 1];
      if ((mid.text == "and" || mid.text == "or") && adjacent(text, words, std::max(i, other)) &&
          adjacent(text, words, std::max(i, other) - 1) && covered(words[other]))
        name = true;
    }
    if (!name) continue;
    // A partner keeps its family name: "Steve Jobs or Oprah Winfrey", not "Oprah" alone.
    const bool mention = found.contains(w.text);
    if (!mention && adjacent(text, words, i + 1) && surname_like(words[i + 1]) &&
        !covered(words[i + 1])) {
      extra.emplace_back(w.begin, words[i + 1].end);
      ++i;
      continue;
    }
    extra.emplace_back(w.begin, w.end);
  }
  out.insert(out.end(), extra.begin(), extra.end());
  std::sort(out.begin(), out.end());
}

}  // namespace

std::vector<Span> find_bare_english_names(std::string_view text) {
  const std::vector<Word> words = split_words(text);
  std::vector<Span> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    const Word* next = adjacent(text, words, i + 1) ? &words[i + 1] : nullptr;
    if (next && upper_pinyin_surname(w.text) &&
        ((next->capitalised && pinyin_word(next->text)) ||
         (upper_pinyin_given(text, next->text) &&
          !pinyin_phrase(title_case(w.text) + " " + title_case(next->text))))) {
      out.emplace_back(w.begin, next->end);
      ++i;
      continue;
    }
    if (next && lower_pinyin_name(text, words, i)) {
      out.emplace_back(w.begin, next->end);
      ++i;
      continue;
    }
    if (!w.capitalised) continue;
    // A cue counts only right before the word: "said hi; Annual" has no cue.
    const Word* prev =
        i > 0 && text.substr(words[i - 1].end, w.begin - words[i - 1].end).find_first_not_of(' ') ==
                     std::string_view::npos
            ? &words[i - 1]
            : nullptr;
    const bool cue = prev && !w.sentence_start && strong_cue(prev->text);
    const bool weak_cue = prev && !w.sentence_start && person_cue_word(prev->text);
    auto emit = [&](const Word* last) {
      size_t j = static_cast<size_t>(last - words.data());
      // A third part: "Nguyen Van An", "Nguyễn Thị Lan" (pinyin-shaped or with diacritics).
      if (last != &w && adjacent(text, words, j + 1) && words[j + 1].capitalised &&
          (pinyin_word(words[j + 1].text) ||
           (has_diacritic(words[j + 1].text) && !common_capitalised_word(words[j + 1].text))))
        last = &words[++j];
      out.emplace_back(w.begin, last->end);
      i = j;
    };
    // "Vincent van Gogh": a particle and a capitalised word after a capitalised one.
    if (adjacent(text, words, i + 2) && adjacent(text, words, i + 1) &&
        name_particle(words[i + 1].text) && words[i + 2].capitalised &&
        !common_capitalised_word(w.text) && !common_capitalised_word(words[i + 2].text)) {
      emit(&words[i + 2]);
      continue;
    }
    if (diacritic_non_name(w.text)) continue;
    // A cue is not part of the name: "Ask Chen Jing", "Contact Priya Raman".
    if (person_cue_word(w.text)) continue;
    // A capitalised word with diacritics is a name unless listed otherwise (José Martínez,
    // Björn), with a capitalised word after it as its family name.
    if (has_diacritic(w.text) && !diacritic_non_name(w.text) && !common_capitalised_word(w.text)) {
      emit(next && next->capitalised && !common_capitalised_word(next->text) &&
                   !diacritic_non_name(next->text)
               ? next
               : &w);
      continue;
    }
    // Pinyin: Zhang Wei, Li Na, Wei Zhang. The surname must not be an English word ("He"),
    // unless it is capitalised inside a sentence before a given name of two or more syllables
    // that is no English word ("and He Yuxue"): the pronoun is capitalised only at the start.
    // "Can Chen Jing": when the next two words make a surname-first name, the word before them
    // is not a given name put first (it is a modal, a cue or another sentence word).
    if (next && !pinyin_surname(w.text) && pinyin_surname(next->text) &&
        adjacent(text, words, i + 2) && words[i + 2].capitalised && pinyin_word(words[i + 2].text))
      continue;
    const bool word_surname = pinyin_surname(w.text) && common_capitalised_word(w.text) &&
                              !w.sentence_start && next && next->text.size() >= 4 &&
                              !common_capitalised_word(next->text);
    if (next && next->capitalised &&
        ((pinyin_surname(w.text) && (!common_capitalised_word(w.text) || word_surname) &&
          pinyin_word(next->text)) ||
         (pinyin_word(w.text) && pinyin_surname(next->text) &&
          !common_capitalised_word(next->text))) &&
        !pinyin_phrase(std::string(w.text) + " " + std::string(next->text))) {
      emit(next);
      continue;
    }
    const FirstName first = english_first_name(w.text);
    if (first != FirstName::kAmbiguous && common_capitalised_word(w.text)) continue;
    const bool family_next = next && next->capitalised && english_family_name(next->text);
    // "Laura M. Whitfield": a middle initial between a given name and a family name.
    if (first != FirstName::kNone && next && next->text.size() == 1 && next->text[0] >= 'A' &&
        next->text[0] <= 'Z' && text.substr(next->end).starts_with(". ") && i + 2 < words.size() &&
        words[i + 2].begin == next->end + 2 && surname_like(words[i + 2])) {
      out.emplace_back(w.begin, words[i + 2].end);
      i += 2;
      continue;
    }
    if (first == FirstName::kClear) {
      emit(next && surname_like(*next) ? next : &w);
      continue;
    }
    // A listed given name of another country before a family-name-like word: Fatima Larsen,
    // Diego Kowalski. Alone it is judged as a word in no list (below).
    if (first == FirstName::kListed && next && surname_like(*next) &&
        !pinyin_phrase(std::string(w.text) + " " + std::string(next->text))) {
      emit(next);
      continue;
    }
    if (first == FirstName::kAmbiguous) {
      if (family_next || (next && surname_like(*next) &&
                          (!w.sentence_start || set_in_chinese(text, w.begin, next->end))))
        emit(next);
      else if (cue || chinese_person_verb_after(text, w.end) ||
               (next && person_verb(next->text) && next->text != "is" && next->text != "has" &&
                next->text != "was" && next->text != "had"))
        emit(&w);
      continue;
    }
    // A word in no list: a name before a family name, or after a cue, or before a verb. A
    // family name of the generated lists counts inside a sentence (Santa Cruz, Las Vegas
    // begin one as often as a person does; inside one they follow "in" or "to"), or before
    // the colon of a speaker in a chat log ("Victor Sullivan: see you").
    const bool speaker = next && text.substr(next->end).starts_with(": ");
    const bool listed_family_next = next && next->capitalised && (!w.sentence_start || speaker) &&
                                    listed_family_name(next->text) && !weak_cue;
    if ((family_next || listed_family_next) && !english_family_name(w.text)) {
      emit(next);
      continue;
    }
    // Two capitalised words in no list, with a cue, a verb or a possessive: "Elon Musk's",
    // "Taylor Swift 说". Alone they are as often products and places (Golden Gate, Star Wars).
    const bool pair = next && surname_like(*next);
    const Word* after = pair && i + 2 < words.size() ? &words[i + 2] : nullptr;
    const bool mid = !w.sentence_start;
    if (pair && ((mid && (possessive_after(text, next->end) || weak_cue ||
                          (after && person_verb(after->text)))) ||
                 chinese_person_verb_after(text, next->end) ||
                 (set_in_chinese(text, w.begin, next->end) && name_shaped_pair(w, *next)))) {
      emit(next);
      continue;
    }
    // One such word before a verb of a person: "if Kenji can join", "what Einstein meant".
    // Not "is"/"has" (what a product does too), not the tail of a phrase ("Star Wars is").
    const bool in_phrase = prev && prev->capitalised && !common_capitalised_word(prev->text);
    const bool acts = next && person_verb(next->text) && next->text != "is" &&
                      next->text != "has" && next->text != "was" && next->text != "had";
    if (cue || (!w.sentence_start && !in_phrase && acts) ||
        (!in_phrase && chinese_person_verb_after(text, w.end)))
      emit(&w);
  }
  add_mentions_and_partners(text, words, out);
  return out;
}

}  // namespace tandem::privacy
