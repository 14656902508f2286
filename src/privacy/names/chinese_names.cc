#include "privacy/names/chinese_names.h"

#include "privacy/names/chinese_famous_names.h"
#include "privacy/names/chinese_name_stats.h"
#include "privacy/names/names.h"

namespace tandem::privacy {
namespace {

constexpr size_t kHan = 3;  // bytes of a BMP Han character in UTF-8

bool is_han(std::string_view s, size_t i) {
  if (i + kHan > s.size()) return false;
  const auto b0 = static_cast<unsigned char>(s[i]);
  return b0 >= 0xE4 && b0 <= 0xE9;
}

bool contains_char(std::string_view set, std::string_view ch) {
  for (size_t i = 0; i + kHan <= set.size(); i += kHan)
    if (set.substr(i, kHan) == ch) return true;
  return false;
}

// Characters after which a name often follows: 和王芳, 给李娜, 问张伟.
constexpr std::string_view kBeforeName = "和跟与给找叫让问请被把向对同及是见到由替帮称户员友事";
// Characters that often follow a name: a verb or particle (王芳说, 李娜在, 张伟的).
constexpr std::string_view kAfterName =
    "说是在的和去来给打发也都已要会让把被对跟问告今明昨刚就还又曾同与及请回讲认觉写做看"
    "找吃住买卖送收拿带负管签提报填";
// Forms of address that follow a name: 王芳女士, 张伟老师.
constexpr std::string_view kTitles[] = {"先生", "女士", "同学", "老师", "经理", "医生", "教授",
                                        "主任", "阿姨", "师傅", "律师", "护士", "博士", "小姐",
                                        "老板", "部长", "局长", "校长", "院长", "书记", "总监",
                                        "同志", "大夫", "叔叔", "太太", "总"};

bool title_at(std::string_view text, size_t pos) {
  const std::string_view rest = text.substr(pos);
  for (auto t : kTitles)
    if (rest.starts_with(t)) return true;
  return false;
}

// Form fields and roles a name fills: 联系人：, 收件人 , 乙方：, 家长签名：, 持卡人.
constexpr std::string_view kFieldEnds = "人方名";
constexpr std::string_view kFieldSeparators[] = {"：", ":", " ", "　"};

int left_context(std::string_view text, size_t begin) {
  if (begin >= 1 && text[begin - 1] == '@') return 3;  // @周子衿
  size_t at = begin;
  for (auto sep : kFieldSeparators)
    if (at >= sep.size() && text.substr(at - sep.size(), sep.size()) == sep) {
      at -= sep.size();
      break;
    }
  if (at >= kHan && is_han(text, at - kHan) &&
      contains_char(kFieldEnds, text.substr(at - kHan, kHan)))
    return 3;                                           // 收件人车晓萌, 联系人：栾子墨
  if (text.substr(0, begin).ends_with("、")) return 2;  // a list of people: 花梓晴、浦一诺
  if (begin < kHan || !is_han(text, begin - kHan)) return 1;  // start, punctuation, Latin
  return contains_char(kBeforeName, text.substr(begin - kHan, kHan)) ? 1 : 0;
}

int right_context(std::string_view text, size_t end) {
  if (text.substr(end).starts_with("、")) return 2;
  if (!is_han(text, end)) return 1;
  if (title_at(text, end)) return 3;
  return contains_char(kAfterName, text.substr(end, kHan)) ? 1 : 0;
}

// A name is accepted at this score: a frequent surname + a strong given-name character with
// neutral context, or weaker evidence with supporting context (a title, punctuation).
constexpr int kThreshold = 5;

// A lexicon name stands unless its edge characters belong to ordinary words around it: 上周
// before it would make 周 part of a word, 照明 after it 照 part of another.
bool famous_name_fits(std::string_view text, size_t begin, size_t end) {
  if (begin >= kHan && is_han(text, begin - kHan) &&
      is_ordinary_word_from_data(text.substr(begin - kHan, 2 * kHan)))
    return false;
  return !(is_han(text, end) && is_ordinary_word_from_data(text.substr(end - kHan, 2 * kHan)));
}

}  // namespace

std::vector<Span> find_bare_chinese_names(std::string_view text) {
  std::vector<Span> out;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_han(text, i)) {
      ++i;
      continue;
    }
    int prior = 0;
    const size_t sur = chinese_surname_at(text, i, &prior);
    if (sur == 0) {
      i += kHan;
      continue;
    }
    // Well-known people first: their given names are often ordinary characters (李清照).
    if (const size_t len = famous_chinese_name_at(text, i);
        len > 0 && famous_name_fits(text, i, i + len)) {
      out.emplace_back(i, i + len);
      i += len;
      continue;
    }
    // 感谢刘梓涵: 谢 ends the word 感谢 and starts no name.
    if (i >= kHan && is_han(text, i - kHan) &&
        is_ordinary_word_from_data(text.substr(i - kHan, 2 * kHan))) {
      i += kHan;
      continue;
    }
    const size_t g1 = i + sur, g2 = g1 + kHan, g3 = g2 + kHan;
    const int w1 = is_han(text, g1) ? given_name_char_weight(text.substr(g1, kHan)) : 0;
    if (w1 == 0) {
      i += kHan;
      continue;
    }
    int w2 = is_han(text, g2) ? given_name_char_weight(text.substr(g2, kHan)) : 0;
    // 张伟明天来: the second given character belongs to the next word.
    if (w2 > 0 && is_han(text, g3) && is_common_bigram(text.substr(g2, 2 * kHan))) w2 = 0;
    const size_t end = w2 > 0 ? g3 : g2;
    const std::string_view cand = text.substr(i, end - i);
    const std::string_view first_two = text.substr(i, sur + kHan);
    // An ordinary word followed by a form of address is a name after all: 高峰同学.
    const bool titled = title_at(text, end);
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
  return out;
}

}  // namespace tandem::privacy
