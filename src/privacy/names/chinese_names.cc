#include "privacy/names/chinese_names.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "privacy/names/chinese_famous_names.h"
#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/chinese_name_stats.h"
#include "privacy/names/chinese_segmenter.h"
#include "privacy/names/japanese_names.h"
#include "privacy/names/name_context.h"
#include "privacy/names/names.h"
#include "privacy/names/non_person_words.h"
#include "privacy/names/table_index.h"
#include "privacy/names/word_names.h"

namespace tandem::privacy {
namespace {

// A name is accepted at this score: a frequent surname + a strong given-name character with
// neutral context, or weaker evidence with supporting context (a title, punctuation).
constexpr int kThreshold = 5;

// A lexicon name stands unless its edge characters belong to ordinary words around it: 上周
// before it would make 周 part of a word, 照明 after it 照 part of another.
bool famous_name_fits(std::string_view text, size_t begin, size_t end) {
  // jieba tags some ABB adjectives as names (金灿灿的).
  if (doubled_adverb_or_adjective(text, begin, kHan)) return false;
  if (begin >= kHan && is_han(text, begin - kHan) &&
      is_ordinary_word_from_data(text.substr(begin - kHan, 2 * kHan)))
    return false;
  if (is_han(text, end) && is_ordinary_word_from_data(text.substr(end - kHan, 2 * kHan)))
    return false;
  // Nor inside a longer dictionary word: 望子成龙 holds 成龙.
  for (size_t back = kHan; back <= 2 * kHan && back <= begin; back += kHan)
    for (size_t len = end - begin + back; len <= 4 * kHan; len += kHan)
      if (is_han(text, begin - back) && begin - back + len <= text.size() &&
          chinese_word_cost(text.substr(begin - back, len)))
        return false;
  return true;
}

// Whether the two characters at text[g] are both typical of given names (婧怡, 梓涵), and not
// one doubled: 感谢婷婷 thanks 婷婷.
bool two_strong_given(std::string_view text, size_t g) {
  return is_han(text, g) && is_han(text, g + kHan) &&
         text.substr(g, kHan) != text.substr(g + kHan, kHan) &&
         given_name_char_weight(text.substr(g, kHan)) == 2 &&
         given_name_char_weight(text.substr(g + kHan, kHan)) == 2;
}

// Whether a surname of `sur` bytes at text[i] is followed by one character twice (刘朵朵), a
// character seen in given names, not the surname's, and the three are no dictionary word.
bool reduplicated_given(std::string_view text, size_t i, size_t sur) {
  const size_t g1 = i + sur, g2 = g1 + kHan;
  if (!is_han(text, g1) || !is_han(text, g2)) return false;
  const std::string_view ch = text.substr(g1, kHan);
  return text.substr(g2, kHan) == ch && ch != text.substr(i, kHan) &&
         !is_chinese_name_stop_char(ch) && given_name_char_cost(ch) < kUnseenGivenCost &&
         !chinese_word_cost(text.substr(i, sur + 2 * kHan)) &&
         !doubled_adverb_or_adjective(text, i, sur);
}

// Adds `s` to disjoint spans (begin -> end) unless it overlaps one of them.
void add_if_free(std::map<size_t, size_t>& spans, const Span& s) {
  auto next = spans.lower_bound(s.second);  // the first span starting at or after s's end
  if (next != spans.begin() && std::prev(next)->second > s.first) return;
  spans.emplace(s.first, s.second);
}

// The scorer's names and the lattice's together; where they overlap the longer wins (诸葛锦程
// over 诸葛锦), then the earlier. A scorer name inside a three-character word on the lattice's
// path that the dictionary does not tag as a person is a place or a dish (马鞍山, 龙井茶),
// unless it is a listed famous name; two-character words are left alone, as the dictionary
// tags many ordinary ones as names and many names as ordinary words.
std::vector<Span> merge_lattice_names(std::string_view text, std::vector<Span> scored,
                                      const std::vector<Span>& famous,
                                      const std::vector<Segment>& path) {
  // `famous` and `path` are in text order and disjoint, so a bisection finds the one segment
  // that can hold a span: a scan per span made megabyte inputs quadratic.
  std::erase_if(scored, [&](const Span& s) {
    if (std::binary_search(famous.begin(), famous.end(), s)) return false;
    if (is_place_like(text.substr(s.first, s.second - s.first))) return true;
    auto g = std::upper_bound(path.begin(), path.end(), s.first,
                              [](size_t at, const Segment& seg) { return at < seg.begin; });
    if (g == path.begin()) return false;
    --g;
    return !g->name && s.second <= g->end &&
           is_non_person_word(text.substr(g->begin, g->end - g->begin));
  });
  for (const Segment& g : path)
    if (g.name) scored.emplace_back(g.begin, g.end);
  std::sort(scored.begin(), scored.end(), [](const Span& a, const Span& b) {
    return a.second - a.first != b.second - b.first ? a.second - a.first > b.second - b.first
                                                    : a.first < b.first;
  });
  std::map<size_t, size_t> kept;  // begin -> end, disjoint: a lookup per span, not a scan
  for (const Span& s : scored) add_if_free(kept, s);
  return {kept.begin(), kept.end()};
}

}  // namespace

std::vector<Span> find_bare_chinese_names(std::string_view text) {
  std::vector<Span> out, famous;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_han(text, i)) {
      ++i;
      continue;
    }
    // Well-known people first: their given names are often ordinary characters (李清照), and
    // some have no surname (老舍, 哪吒). Japanese names too, whose given part the scorer would
    // cut (山本|耕史).
    size_t len = famous_chinese_name_at(text, i);
    if (len == 0 || !famous_name_fits(text, i, i + len)) len = japanese_name_at(text, i);
    if (len > 0) {
      out.emplace_back(i, i + len);
      famous.emplace_back(i, i + len);
      i += len;
      continue;
    }
    int prior = 0;
    const size_t sur = chinese_surname_at(text, i, &prior);
    if (sur == 0) {
      i += kHan;
      continue;
    }
    // 感谢刘梓涵: 谢 ends the word 感谢 and starts no name, unless two characters typical of
    // given names follow (唱了一|曲欣悦: 一曲 is a word too).
    if (i >= kHan && is_han(text, i - kHan) &&
        is_ordinary_word_from_data(text.substr(i - kHan, 2 * kHan)) &&
        !two_strong_given(text, i + sur)) {
      i += kHan;
      continue;
    }
    const size_t g1 = i + sur, g2 = g1 + kHan, g3 = g2 + kHan;
    // A surname + a form of address is how one addresses someone, not a name (赵老师, 孙阿姨),
    // and the shape of brands (X师傅); so is a colloquial one (林姐, 赵工).
    if (title_at(text, g1) || colloquial_address_at(text, g1)) {
      i += kHan;
      continue;
    }
    // 刘朵朵, 赵妞妞: a doubled given character is a girl's name or a pet name, whatever the
    // character's own weight, unless the three make a word (金灿灿).
    const bool doubled = reduplicated_given(text, i, sur);
    if (doubled_adverb_or_adjective(text, i, sur)) {
      i += kHan;
      continue;
    }
    int w1 = is_han(text, g1) ? given_name_char_weight(text.substr(g1, kHan)) : 0;
    if (doubled) w1 = std::max(w1, 1);
    if (w1 == 0) {
      i += kHan;
      continue;
    }
    int w2 = is_han(text, g2) ? given_name_char_weight(text.substr(g2, kHan)) : 0;
    if (doubled) w2 = std::max(w2, 1);
    // 张伟明天来: the second given character belongs to the next word.
    if (w2 > 0 && is_han(text, g3) && is_common_bigram(text.substr(g2, 2 * kHan))) w2 = 0;
    // 戴琮戴上: a given name hardly repeats a one-character surname (as in the lattice).
    if (w2 > 0 && sur == kHan && text.substr(g2, kHan) == text.substr(i, kHan)) w2 = 0;
    const size_t end = w2 > 0 ? g3 : g2;
    const std::string_view cand = text.substr(i, end - i);
    const std::string_view first_two = text.substr(i, sur + kHan);
    // An ordinary word followed by a form of address is a name after all: 高峰同学.
    // Not school years: 高中同学 are classmates from senior high.
    const bool titled = title_at(text, end) && !is_common_chinese_word(cand);
    if (is_ordinary_surname_word(cand) && !titled) {
      i += kHan;
      continue;
    }
    if (w2 > 0 && is_ordinary_surname_word(first_two) && !titled) {
      // 王国强 is a name, 黄金价 is not: only a strong third character saves the candidate.
      if (w2 < 2) {
        i += kHan;
        continue;
      }
    }
    // 李明天来, 高安全: the only given character starts an ordinary word.
    if (w2 == 0 && is_han(text, g2) && is_common_bigram(text.substr(g1, 2 * kHan))) {
      i += kHan;
      continue;
    }
    // Three characters shaped like a name are evidence in themselves: the last one counts with
    // its own weight (阮一鸣: 鸣 is a strong given-name character).
    int score = prior + w1 + w2 + left_context(text, i) + right_context(text, end);
    if (score >= kThreshold) {
      out.emplace_back(i, end);
      i = end;
    } else {
      i += kHan;
    }
  }
  std::vector<Span> names =
      merge_lattice_names(text, std::move(out), famous, segment_chinese(text));
  // Brands, foods and weather spelled like names (杨国福, 黄焖鸡, 暴雨), brands before a
  // product (周记|鸭脖), places (岳阳楼, 朱家角) and the words of a book title (《白鹿原》).
  std::erase_if(names, [&](const Span& s) {
    return non_person_word_at(text, s.first) >= s.second - s.first ||
           product_head_at(text, s.second) ||
           ((is_place_like(text.substr(s.first, s.second - s.first)) ||
             inside_book_title(text, s.first, s.second) ||
             inside_four_character_word(text, s.first, s.second)) &&
            famous_chinese_name_at(text, s.first) != s.second - s.first);  // 钟南山 is a person
  });
  // 和 before punctuation or the end cannot join two things, so it ends the name: 班主任：魏清和。
  for (Span& n : names)
    if (n.second - n.first <= 2 * kHan && text.substr(n.second).starts_with("和") &&
        !is_han(text, n.second + kHan))
      n.second += kHan;
  // Names spelled like words, where the context speaks of a person (江河说他…).
  std::map<size_t, size_t> all(names.begin(), names.end());
  for (const Span& w : find_word_names(text, names)) add_if_free(all, w);
  return {all.begin(), all.end()};
}

void trim_verb_tails(std::string_view text, std::vector<Span>& names) {
  // Verbs, adverbs and measure words that follow a subject or object directly, and are rare as
  // the last character of a given name after a strong one.
  static const CharSet kTails("家拉各提约道先交说让给跟把被也都就还又才再要会能去来在向请叫带送");
  for (Span& n : names) {
    int prior = 0;
    size_t sur = chinese_surname_at(text, n.first, &prior);
    // Surnames of the lattice's tables too (华, 池): the lattice and the model start names there.
    if (sur == 0 && surname_cost(text.substr(n.first, kHan))) sur = kHan;
    if (sur == 0 || n.second != n.first + sur + 2 * kHan) continue;
    const size_t g1 = n.first + sur, g2 = g1 + kHan;
    if (!is_han(text, n.second) || !kTails.contains(text.substr(g2, kHan)) ||
        given_name_char_weight(text.substr(g1, kHan)) < 2 ||
        given_name_char_weight(text.substr(g2, kHan)) >= 2 ||
        famous_chinese_name_at(text, n.first) == n.second - n.first)
      continue;
    n.second = g2;
  }
}

}  // namespace tandem::privacy
