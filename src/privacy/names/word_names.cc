#include "privacy/names/word_names.h"

#include <algorithm>
#include <initializer_list>
#include <iterator>

#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/name_context.h"
#include "privacy/names/names.h"

namespace tandem::privacy {
namespace {

// Verbs that take a person as subject (江河请假了, 冷风和我约好), and 说 before a pronoun or
// punctuation (江河说他…; not 说明, 说好).
constexpr std::string_view kPersonVerbs[] = {
    "请假", "答应", "借了", "约了", "约好", "打电话", "发消息", "回复", "迟到", "生病",
    "住院", "结婚", "离职", "辞职", "出差", "加班",   "哭了",   "考上", "毕业", "留言",
    "说她", "说他", "说我", "说你", "说：", "说，",   "说:",    "说,"};
// Adverbs of time and manner between a subject and its verb: 江河今天请假了.
constexpr std::string_view kAdverbs[] = {"今天", "明天", "昨天", "今晚", "刚才", "已经", "刚刚",
                                         "刚",   "也",   "又",   "还",   "都",   "才",   "就",
                                         "一直", "突然", "终于", "总是", "上午", "下午", "晚上"};
// What a person has and a place or a thing does not: 安然的妈妈, 常青的生日.
constexpr std::string_view kPossessions[] = {
    "妈妈", "爸爸", "母亲", "父亲",   "老公", "老婆", "丈夫",   "妻子", "男朋友", "女朋友",
    "男友", "女友", "儿子", "女儿",   "哥哥", "姐姐", "弟弟",   "妹妹", "爷爷",   "奶奶",
    "外婆", "外公", "生日", "班主任", "同桌", "室友", "手机号", "微信", "身份证"};
// Adverbs, conjunctions and adjectives that start with a surname character and stand before a
// verb or 的 as often as a subject does: 马上说, 方便告诉我, 高兴的.
constexpr std::string_view kNotSubjects[] = {
    "马上", "方便", "高兴", "于是", "任何",   "万一", "常常", "何必", "何况", "宁可", "宁愿",
    "向来", "幸亏", "幸好", "尤其", "连忙",   "许多", "应该", "应当", "及时", "顺便", "简直",
    "单独", "安心", "关于", "成为", "严格",   "平时", "平常", "通常", "温柔", "安静", "冷静",
    "明白", "时常", "华丽", "乐意", "怪不得", "随便", "全都", "全部", "毕竟", "成功", "龙卷"};

// Time and place words end so (白天, 周末, 路上, 明天): not given names.
constexpr std::string_view kTimePlaceEnds = "天末上下里后前时午晚年";

bool starts_with_any(std::string_view rest, const std::string_view* b, const std::string_view* e) {
  return std::any_of(b, e, [&](std::string_view w) { return rest.starts_with(w); });
}

template <size_t N>
bool starts_with_any(std::string_view rest, const std::string_view (&list)[N]) {
  return starts_with_any(rest, std::begin(list), std::end(list));
}

// A clause starts at text[begin]: the text's start, punctuation or Latin before it, or 和/跟.
bool clause_start(std::string_view text, size_t begin) {
  if (begin < kHan || !is_han(text, begin - kHan)) return true;
  const std::string_view prev = text.substr(begin - kHan, kHan);
  return prev == "和" || prev == "跟";
}

// Evidence after a candidate ending at text[end] that it names a person.
bool person_after(std::string_view text, size_t begin, size_t end, bool at_clause_start) {
  std::string_view rest = text.substr(end);
  // 的 + what a person has is the weakest of these: adjectives take it too (辛苦的爸爸), so a
  // frequent ordinary word before it does not count.
  if (rest.starts_with("的"))
    return starts_with_any(rest.substr(kHan), kPossessions) &&
           !(end - begin == 2 * kHan && is_ordinary_surname_word(text.substr(begin, end - begin)));
  if (!at_clause_start) return false;
  // X和我约好, X跟她…: a companion.
  for (auto link : {"和", "跟"})
    for (auto pron : {"我", "你", "她", "他"})
      if (rest.starts_with(std::string(link) + pron)) return true;
  for (auto a : kAdverbs)
    if (rest.starts_with(a)) {
      rest.remove_prefix(a.size());
      break;
    }
  return starts_with_any(rest, kPersonVerbs);
}

// 叫X at the end of a clause, said of a person: 我男朋友叫白云，… (not 那座山叫黄山, nor a
// nickname: 小名叫毛毛).
bool called_before(std::string_view text, size_t begin, size_t end) {
  static constexpr std::string_view kPersonEnds = "我你他她友子儿生人学事哥姐弟妹爸妈公婆";
  if (begin < 2 * kHan || text.substr(begin - kHan, kHan) != "叫" || is_han(text, end))
    return false;
  return kPersonEnds.find(text.substr(begin - 2 * kHan, kHan)) != std::string_view::npos;
}

// A verb before the candidate that takes a person as its object, with what must follow the
// candidate: 给江河打个电话, 把白云拉进群, 由常青主持, 转告一下安然。 Things take these verbs
// too (给手机充电, 把白糖加到锅里), so each needs its person-only tail.
bool person_object(std::string_view text, size_t begin, size_t end) {
  const std::string_view head = text.substr(0, begin), rest = text.substr(end);
  auto any = [](std::string_view r, std::initializer_list<std::string_view> tails) {
    return std::any_of(tails.begin(), tails.end(),
                       [&](std::string_view t) { return r.starts_with(t); });
  };
  if (head.ends_with("给"))
    return any(rest, {"打电话", "打个电话", "回电话", "回个电话", "发消息", "发个消息", "发微信",
                      "回消息", "回个消息", "回微信"});
  // Added to a group chat: 群 within the next few characters.
  if (head.ends_with("把") && any(rest, {"加到", "加进", "拉进", "拉到", "拉入"}))
    return rest.substr(0, 8 * kHan).find("群") != std::string_view::npos;
  if (head.ends_with("由"))
    return any(rest, {"主持", "负责", "代为", "接手", "带队", "签收", "审批"});
  // Told or notified, the name ending the clause: 通知安然。 转告一下常青，
  const bool ends_clause = !is_han(text, end) || rest.starts_with("和") || rest.starts_with("、");
  for (std::string_view verb : {"通知", "转告", "告诉", "问问", "提醒", "叫上", "喊上"})
    if (ends_clause &&
        (head.ends_with(verb) ||
         (head.ends_with("一下") && head.substr(0, head.size() - 2 * kHan).ends_with(verb))))
      return true;
  return false;
}

// Partners of a found name (sorted, disjoint spans): 周敏和周全, 周敏、周全.
bool partner_of_found(std::string_view text, size_t begin, const std::vector<Span>& found) {
  for (auto link : {"和", "、", "跟", "与"}) {
    const size_t n = std::string_view(link).size();
    if (begin < n || text.substr(begin - n, n) != link) continue;
    // `found` is sorted and disjoint, so its ends are sorted too.
    auto it = std::lower_bound(found.begin(), found.end(), begin - n,
                               [](const Span& s, size_t end) { return s.second < end; });
    if (it != found.end() && it->second == begin - n) return true;
  }
  return false;
}

// A longer word runs past the candidate's end (程序|员, 程序员|加班): a word, not a name.
bool glued_after(std::string_view text, size_t begin, size_t end) {
  if (end - begin == 3 * kHan && is_non_person_word(text.substr(begin, end - begin))) return true;
  for (size_t b = begin; b < end; b += kHan)
    for (size_t len = end - b + kHan; len <= 4 * kHan && b + len <= text.size(); len += kHan)
      if (is_han(text, b + len - kHan) && chinese_word_cost(text.substr(b, len))) return true;
  return false;
}

}  // namespace

std::vector<Span> find_word_names(std::string_view text, const std::vector<Span>& found) {
  std::vector<Span> out;
  for (size_t i = 0; i < text.size();) {
    if (!is_han(text, i)) {
      ++i;
      continue;
    }
    const bool start = clause_start(text, i);
    size_t hit = 0;
    for (const size_t sur : {2 * kHan, kHan}) {
      if (hit || i + sur + kHan > text.size() || !surname_cost(text.substr(i, sur)) ||
          title_at(text, i + sur) || colloquial_address_at(text, i + sur))
        continue;
      // Longer first: 白云飞借了 before 白云.
      for (size_t end = i + sur + 2 * kHan; end > i + sur; end -= kHan) {
        bool ok = true;
        for (size_t c = i + sur; c < end && ok; c += kHan)
          ok = is_han(text, c) && !is_chinese_name_stop_char(text.substr(c, kHan)) &&
               given_name_char_cost(text.substr(c, kHan)) < kUnseenGivenCost;
        // 宁宁: a surname doubled is a pet name (not labelled by the policy).
        if (!ok || text.substr(i + sur, kHan) == text.substr(i, kHan) ||
            starts_with_any(text.substr(i), kNotSubjects) ||
            kTimePlaceEnds.find(text.substr(end - kHan, kHan)) != std::string_view::npos ||
            is_common_chinese_word(text.substr(i, end - i)) ||
            is_person_role(text.substr(i, end - i)) || is_place_like(text.substr(i, end - i)) ||
            glued_after(text, i, end))
          continue;
        if (person_after(text, i, end, start) || called_before(text, i, end) ||
            person_object(text, i, end) || text.substr(end).starts_with("这个名字") ||
            partner_of_found(text, i, found)) {
          hit = end;
          break;
        }
      }
    }
    if (hit) {
      out.emplace_back(i, hit);
      i = hit;
    } else {
      i += kHan;
    }
  }
  return out;
}

}  // namespace tandem::privacy
