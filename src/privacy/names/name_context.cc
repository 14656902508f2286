#include "privacy/names/name_context.h"

#include <algorithm>
#include <iterator>

#include "privacy/names/table_index.h"

namespace tandem::privacy {
namespace {

// Characters after which a name often follows: 和王芳, 给李娜, 问张伟.
constexpr std::string_view kBeforeName = "和跟与给找叫让问请被把向对同及是见到由替帮称户员友事说";
// Characters that often follow a name: a verb or particle (王芳说, 李娜在, 张伟的).
constexpr std::string_view kAfterName =
    "说是在的和去来给打发也都已要会让把被对跟问告今明昨刚就还又曾同与及请回讲认觉写做看"
    "找吃住买卖送收拿带负管签提报填";
// Forms of address that follow a name: 王芳女士, 张伟老师.
constexpr std::string_view kTitles[] = {"先生", "女士", "同学", "老师", "经理", "医生", "教授",
                                        "主任", "阿姨", "师傅", "律师", "护士", "博士", "小姐",
                                        "老板", "部长", "局长", "校长", "院长", "书记", "总监",
                                        "同志", "大夫", "叔叔", "太太", "总",
                                        // A child's name before its parent: 邹一宁家长, 江海洋妈妈.
                                        "家长", "妈妈", "爸爸"};

// Words that start with a title but are none: 下周开家长会, 张伟总是迟到, 同学们.
constexpr std::string_view kTitleWords[] = {"家长会", "家长群", "同学会", "同学们", "老师们",
                                            "总是",   "总共",   "总算",   "总结",   "总之",
                                            "总体",   "总部",   "总统",   "总数",   "总和"};

// Relatives and roles named right before a name: 表哥苗…, 房东邬…, 学生家长庞….
constexpr std::string_view kRolesBefore[] = {
    "房东", "房客",   "表哥", "表姐", "表弟",   "表妹", "堂哥", "堂姐", "堂弟", "堂妹", "哥哥",
    "姐姐", "弟弟",   "妹妹", "妈妈", "爸爸",   "同事", "家长", "室友", "邻居", "老公", "老婆",
    "丈夫", "妻子",   "儿子", "女儿", "舅舅",   "姑姑", "姨妈", "外婆", "奶奶", "爷爷", "外公",
    "上司", "客户",   "队友", "搭档", "助理",   "秘书", "学生", "学长", "学姐", "师兄", "师姐",
    "同学", "朋友",   "男友", "女友", "班主任", "班长", "组长", "队长", "主管", "员工", "实习生",
    "主角", "主人公", "作者", "导演", "演员",   "歌手", "选手", "球员", "病人", "患者"};

// Form fields and roles a name fills: 联系人：, 收件人 , 乙方：, 家长签名：, 持卡人.
constexpr std::string_view kFieldEnds = "人方名";
constexpr std::string_view kFieldSeparators[] = {"：", ":", " ", "　"};

// Characters whose doubling is an adverb (老王刚刚到, 小李常常说, 慢慢, 渐渐, 默默).
constexpr std::string_view kDoubledAdverbs =
    "刚常慢渐天好明偏往仅纷默悄轻早暗稍久匆深紧远大处时个人年统";

// Surname characters that start ABB adjectives before 的/地 (金灿灿的, 冷冰冰地, 黄澄澄的):
// colours, temperatures, tastes, textures.
constexpr std::string_view kAbbHeads = "金白黄蓝冷毛香乐喜明满文光空沉胖干辣甜热暖亮静湿";

// The context lists as bitmaps: tested at every candidate.
const CharSet kFieldEndSet(kFieldEnds), kBeforeSet(kBeforeName), kAfterSet(kAfterName);

// 老王刚刚到 (an adverb doubled after the surname) and 金灿灿的 (an ABB adjective).
}  // namespace

bool is_han(std::string_view s, size_t i) {
  if (i + kHan > s.size()) return false;
  const auto b0 = static_cast<unsigned char>(s[i]);
  return b0 >= 0xE4 && b0 <= 0xE9;
}

bool title_at(std::string_view text, size_t pos) {
  const std::string_view rest = text.substr(pos);
  for (auto w : kTitleWords)
    if (rest.starts_with(w)) return false;
  for (auto t : kTitles)
    if (rest.starts_with(t)) return true;
  return false;
}

bool colloquial_address_at(std::string_view text, size_t pos) {
  return is_han(text, pos) &&
         std::string_view("姐哥嫂婆叔爷工").find(text.substr(pos, kHan)) != std::string_view::npos;
}

bool inside_book_title(std::string_view text, size_t begin, size_t end) {
  // Titles are short: a bounded look either side keeps megabyte inputs linear.
  constexpr size_t kWindow = 30 * kHan;
  const size_t from = begin > kWindow ? begin - kWindow : 0;
  const std::string_view before = text.substr(from, begin - from);
  const size_t open = before.rfind("《");
  if (open == std::string_view::npos || before.find("》", open) != std::string_view::npos)
    return false;
  const std::string_view after = text.substr(end, kWindow);
  const size_t close = after.find("》");
  return close != std::string_view::npos &&
         after.substr(0, close).find("《") == std::string_view::npos;
}

bool is_person_role(std::string_view word) {
  return std::find(std::begin(kRolesBefore), std::end(kRolesBefore), word) !=
         std::end(kRolesBefore);
}

int left_context(std::string_view text, size_t begin) {
  if (begin >= 1 && text[begin - 1] == '@') return 3;  // @周子衿
  size_t at = begin;
  for (auto sep : kFieldSeparators)
    if (at >= sep.size() && text.substr(at - sep.size(), sep.size()) == sep) {
      at -= sep.size();
      break;
    }
  if (at >= kHan && is_han(text, at - kHan) && kFieldEndSet.contains(text.substr(at - kHan, kHan)))
    return 3;                                           // 收件人车晓萌, 联系人：栾子墨
  if (text.substr(0, begin).ends_with("、")) return 2;  // a list of people: 花梓晴、浦一诺
  for (auto r : kRolesBefore)
    if (text.substr(0, begin).ends_with(r) || text.substr(0, at).ends_with(r)) return 2;
  if (begin < kHan || !is_han(text, begin - kHan)) return 1;  // start, punctuation, Latin
  return kBeforeSet.contains(text.substr(begin - kHan, kHan)) ? 1 : 0;
}

int right_context(std::string_view text, size_t end) {
  if (text.substr(end).starts_with("、")) return 2;
  // A title after one space, as in rosters: 夜班 蓝海洋 护士.
  if (text.substr(end).starts_with(" ") && title_at(text, end + 1)) return 3;
  if (!is_han(text, end)) return 1;
  if (title_at(text, end)) return 3;
  return kAfterSet.contains(text.substr(end, kHan)) ? 1 : 0;
}

bool doubled_adverb_or_adjective(std::string_view text, size_t i, size_t sur) {
  const size_t g1 = i + sur, g2 = g1 + kHan, end = g2 + kHan;
  if (!is_han(text, g1) || !is_han(text, g2) || text.substr(g1, kHan) != text.substr(g2, kHan))
    return false;
  if (kDoubledAdverbs.find(text.substr(g1, kHan)) != std::string_view::npos) return true;
  const std::string_view after = text.substr(end, kHan);
  return sur == kHan && kAbbHeads.find(text.substr(i, kHan)) != std::string_view::npos &&
         (after == "的" || after == "地");
}

}  // namespace tandem::privacy
