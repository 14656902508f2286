#include "privacy/names.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

namespace tandem::privacy {
namespace {

constexpr std::string_view kCompoundSurnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "尉迟",
    "公孙", "夏侯", "长孙", "宇文", "轩辕", "端木", "西门", "南宫", "独孤", "呼延"};

// The ~100 most common single-character surnames plus a few frequent ones that are not also
// everyday words (和, 时, 明 are left out: 我是和... is not a name).
constexpr std::string_view kSingleSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武"
    "戴莫孔向汤施牛樊葛邢乔伍庞颜倪庄聂章鲁岳翟殷詹耿兰焦俞柳甘祝";

constexpr std::string_view kStopChars =
    "的了吗呢啊吧呀哦是在和与跟我你他她它们就也都很太说想要会有不没这那个人来去到从对把被让给为"
    "些么什怎哪谁";

constexpr std::string_view kCommonWords[] = {
    "高中", "高兴", "高手", "高级", "高三", "高一", "高二", "高考", "马上", "方便", "方面", "方法",
    "白天", "于是", "任何", "万一", "程序", "周末", "金融", "石头", "江湖", "黄金", "江西", "江苏",
    "龙卷", "田野", "陆地", "段落", "雷电", "何时", "何况", "毛病", "唐朝", "宋朝", "汤圆", "孔子",
    "史上", "钟表", "黄色", "白色", "金色", "杨树", "柳树", "乔木", "庄稼"};

constexpr std::string_view kEnglishCommon[] = {
    "Happy",      "Sorry",      "Fine",       "Good",       "Great",     "Okay",       "Sure",
    "Here",       "There",      "Not",        "Now",        "Just",      "So",         "Very",
    "Really",     "Also",       "Still",      "Always",     "Never",     "Going",      "Trying",
    "Looking",    "Working",    "Writing",    "Reading",    "Learning",  "Using",      "Back",
    "Glad",       "Ready",      "Tired",      "Hungry",     "Sad",       "Excited",    "New",
    "Interested", "Curious",    "Confused",   "Afraid",     "Able",      "The",        "In",
    "At",         "On",         "From",       "With",       "Into",      "Your",       "His",
    "Her",        "Their",      "This",       "That",       "It",        "Feeling",    "Currently",
    "Planning",   "Building",   "Developing", "Thinking",   "Wondering", "Asking",     "Having",
    "Doing",      "Getting",    "Making",     "Taking",     "Studying",  "Chinese",    "English",
    "American",   "British",    "French",     "German",     "Japanese",  "Korean",     "Indian",
    "Canadian",   "Australian", "Russian",    "Italian",    "Spanish",   "Mexican",    "Brazilian",
    "Single",     "Married",    "Retired",    "Unemployed", "Busy",      "Free",       "Alive",
    "Late",       "Done",       "Home",       "Sick",       "Well",      "Bored",      "Lost",
    "Stuck",      "Positive",   "Certain",    "Aware",      "Allergic",  "Vegetarian", "Vegan",
    "Human",      "Only",       "Pretty",     "Quite",      "Totally",   "Kind",       "Sort",
    "An",         "Available",  "Unable",     "Sorry",      "Grateful",  "Thankful",   "Worried",
    "Nervous",    "Feeling",    "Student",    "Teacher",    "Developer", "Engineer",   "Programmer",
    "Beginner",   "Today",      "Tonight",    "Tomorrow",   "Yesterday", "Again",      "Writing"};

}  // namespace

std::string chinese_surname_alternation() {
  std::string alt;
  for (auto s : kCompoundSurnames) alt.append(s).push_back('|');
  // Each Han character is three UTF-8 bytes.
  for (size_t i = 0; i + 3 <= kSingleSurnames.size(); i += 3) {
    alt.append(kSingleSurnames.substr(i, 3));
    alt.push_back('|');
  }
  alt.pop_back();
  return alt;
}

bool is_chinese_name_stop_char(std::string_view utf8_char) {
  for (size_t i = 0; i + 3 <= kStopChars.size(); i += 3)
    if (kStopChars.substr(i, 3) == utf8_char) return true;
  return false;
}

bool is_common_chinese_word(std::string_view utf8) {
  return std::any_of(std::begin(kCommonWords), std::end(kCommonWords),
                     [&](std::string_view w) { return utf8.starts_with(w); });
}

bool is_common_english_word(std::string_view word) {
  return std::find(std::begin(kEnglishCommon), std::end(kEnglishCommon), word) !=
         std::end(kEnglishCommon);
}

}  // namespace tandem::privacy
