#include "privacy/names/japanese_names.h"

#include <string>

#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/name_context.h"
#include "privacy/names/table_index.h"

namespace tandem::privacy {
namespace {

// The most frequent Japanese family names of two characters, in simplified characters (general
// knowledge of the Japanese surname rankings).
constexpr std::string_view kFamilyNames[] = {
    "佐藤", "铃木",   "高桥", "田中", "伊藤", "渡边", "山本", "中村",   "小林", "加藤", "吉田",
    "山田", "佐佐木", "山口", "松本", "井上", "木村", "清水", "山崎",   "池田", "桥本", "阿部",
    "石川", "山下",   "中岛", "石井", "小川", "前田", "冈田", "长谷川", "藤田", "后藤", "近藤",
    "村上", "远藤",   "青木", "坂本", "斋藤", "福田", "太田", "西村",   "藤井", "冈本", "藤原",
    "中野", "三浦",   "原田", "松田", "竹内", "中川", "小野", "田村",   "中山", "和田", "石田",
    "森田", "上田",   "原口", "柴田", "酒井", "工藤", "横山", "宫崎",   "宫本", "内田", "高木",
    "安藤", "岛田",   "谷口", "大野", "高田", "丸山", "今井", "河野",   "藤本", "村田", "武田",
    "上野", "杉山",   "增田", "小山", "大冢", "平野", "菅原", "久保",   "松井", "千叶", "岩崎",
    "樱井", "木下",   "野口", "松尾", "菊地", "野村", "新井", "渡部",   "东野", "夏目", "芥川",
    "川端", "大江",   "黑泽", "北野", "宫泽", "滨崎", "羽生", "大谷",   "本田"};

// Characters that end Japanese given names: 太郎, 健一, 春树, 美咲, 由美子.
constexpr std::string_view kGivenEnds =
    "郎朗子美太介也彦树男夫雄香奈菜惠代里乃平吾治助斗翔一二三司史之辅弘生花实绘穗纪咲"
    "叶音人次";

// The endings of three-character given names (由美子, 健太郎, 奈奈美).
constexpr std::string_view kThreeCharEnds = "子郎美江代香奈惠";

// Particles and pronouns that end a name (太 and 次 may be in one: 太郎, 次郎).
constexpr std::string_view kParticles = "的了吗呢啊吧呀是在和与跟我你他她它们就也都很说";

// A word at least this frequent (cost in nats) binds a last given character to the next one.
constexpr double kGluedWordCost = 12.0;

bool contains_char(std::string_view set, std::string_view ch) {
  for (size_t i = 0; i + kHan <= set.size(); i += kHan)
    if (set.substr(i, kHan) == ch) return true;
  return false;
}

}  // namespace

size_t japanese_name_at(std::string_view text, size_t pos) {
  // The first characters of the family names, so most positions cost one lookup.
  static const CharSet kFirsts = [] {
    std::string f;
    for (auto family : kFamilyNames) f.append(family.substr(0, kHan));
    return CharSet(f);
  }();
  if (!is_han(text, pos) || !kFirsts.contains(text.substr(pos, kHan))) return 0;
  const std::string_view rest = text.substr(pos);
  for (auto family : kFamilyNames) {
    if (!rest.starts_with(family)) continue;
    const size_t g = pos + family.size();
    if (title_at(text, g)) return 0;  // 山本太太, 田中先生: a form of address
    // Two or three given characters, the last a Japanese ending (渡边健一, 铃木由美子): three
    // only with the endings of three-character names.
    for (size_t len = 3 * kHan; len >= 2 * kHan; len -= kHan) {
      const size_t end = g + len;
      bool ok = end <= text.size();
      for (size_t c = g; ok && c < end; c += kHan)
        ok = is_han(text, c) && !contains_char(kParticles, text.substr(c, kHan));
      if (!ok) continue;  // past the end of the text (checked before reading the last one)
      const std::string_view last = text.substr(end - kHan, kHan);
      if (!contains_char(len == 3 * kHan ? kThreeCharEnds : kGivenEnds, last)) continue;
      // Not where the last character starts a frequent word with the next: 中村里|生活.
      if (is_han(text, end) &&
          chinese_word_cost(text.substr(end - kHan, 2 * kHan)).value_or(99) < kGluedWordCost)
        continue;
      return end - pos;
    }
    // One given character before a form of address or at a clause end: 黑泽明导演.
    if (g + kHan <= text.size() && is_han(text, g) && right_context(text, g + kHan) >= 3)
      return family.size() + kHan;
  }
  return 0;
}

}  // namespace tandem::privacy
