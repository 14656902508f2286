#include "privacy/names/names.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

#include "privacy/names/chinese_name_stats.h"
#include "privacy/names/table_index.h"

namespace tandem::privacy {
namespace {

constexpr std::string_view kCompoundSurnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "尉迟", "公孙", "夏侯",
    "长孙", "宇文", "轩辕", "端木", "西门", "南宫", "独孤", "呼延",
    // The rest of the Hundred Family Surnames' compound ones that are no everyday word (not
    // 第五, 百里, 东门, 单于, 乐正: 第五章, 百里挑一).
    "太史", "申屠", "淳于", "太叔", "仲孙", "钟离", "鲜于", "闾丘", "司空", "亓官", "司寇", "颛孙",
    "巫马", "公西", "漆雕", "拓跋", "夹谷", "宰父", "谷梁", "段干", "羊舌", "微生", "梁丘", "左丘",
    "公冶", "澹台", "公羊", "宗政", "濮阳", "万俟", "赫连"};

// The ~100 most common single-character surnames plus a few frequent ones that are not also
// everyday words (和, 时, 明 are left out: 我是和... is not a name).
constexpr std::string_view kSingleSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武"
    "戴莫孔向汤施牛樊葛邢乔伍庞颜倪庄聂章鲁岳翟殷詹耿兰焦俞柳甘祝";

// Rarer surnames of the Hundred Family Surnames and today's registers (no prior: a name needs
// strong given characters or context). Characters that are mostly function words (和, 时,
// 家, 国, 从, 都…) are left out; others that are words too (成, 路, 文, 关, 常…) are in, the
// ordinary-word check (高兴, 成为, 路上) keeps them from masking words.
constexpr std::string_view kRareSurnames =
    "常皮卞齐康穆萧湛祁禹狄贝臧伏成谈茅纪舒屈项阮蓝闵席娄危童梅盛刁骆凌霍虞柯昝缪裘"
    "单杭洪包左吉钮嵇滑裴荣翁荀羊甄曲封芮羿储靳汲邴糜巫弓牧隗谷车宓蓬郗班仰仲伊宫宁仇"
    "栾暴钭厉戎祖符景束幸司韶郜蓟薄宿怀蒲邰鄂索咸籍赖卓蔺屠蒙池阴郁胥苍闻莘党贡劳逄姬"
    "申扶堵冉宰郦雍璩桑桂濮寿边扈燕冀郏浦尚温晏柴瞿阎慕连茹宦艾衡匡寇禄阙欧殳沃蔚夔巩"
    "厍晁勾敖冷訾辛阚简饶沙乜鞠丰巢关蒯查荆游竺权逯盖桓麦邬戚况花原水苗柏滕鲍褚尤路文"
    "向"
    // Frequent modern surnames outside the Hundred Family Surnames (the census lists), and 朴,
    // the most frequent Korean one after those shared with Chinese.
    "展苟练邝谌粟庹揭旷仝蹇朴";

// The most frequent surnames (about 70% of the population), scored higher.
constexpr std::string_view kFrequentSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程"
    "魏吕丁沈姚卢崔钟谭陆范贾高苏廖";

// Given-name characters. Strong: rarely start or end ordinary words. Weak: frequent in names
// and in ordinary words alike.
constexpr std::string_view kStrongGiven =
    "芳娜伟敏婷娟磊涛鹏杰燕霞丽艳莉琳璐颖倩蕾瑶妍茜昊轩睿涵梓浩宇俊帅斌彬峰婧嫣琪雯萱怡欣"
    "悦馨晶晗玥钰彤菲莹蓉芬萍玲珍珊瑞祥博翔辉凯坤栋毅健锋亮鑫淼焱勇刚强军静秀雪梅兰霞慧佳"
    "琴琦璇婉媛姝娴妮娇蓓薇芸芝菊荣桂凤娥瑾瑜璐琛琰珂玮炜烨煜昕晔暄曦旭皓晖昭朗哲铭锐"
    "宏泓洪涵淑嘉懿睿弘毓岚嵘崇峻岩彪虎豪杰瀚霖霏露蕊苗茹蓝琼瑛珏婕娅妤婵姣嫦诗韵"
    "洁腾俪黛";
constexpr std::string_view kWeakGiven =
    "明华国文东海春秋冬夏天平安成新利清松柏阳子晓小志建永兵光云山林波英红玉金雨思一可"
    "宁龙超飞洋家正德福寿喜乐君美庆生军伦良忠义仁礼智信立达伟力胜先学奇星晨丹青绿雅"
    "媚秀凡帆航远方舟洲宝贵富康泰春振兴开亚中然雷儿甜";

// Bigrams that are ordinary words starting with a weak given-name character.
constexpr std::string_view kCommonBigrams[] = {
    "明天", "明年", "明白", "明显", "明星", "明确", "天气", "天天", "平时", "平常", "东西", "国家",
    "国际", "国内", "文件", "文化", "文章", "海边", "春节", "新年", "新闻", "安全", "成功", "成为",
    "利用", "清楚", "阳光", "子女", "晓得", "小时", "志愿", "建议", "永远", "光明", "云南", "山东",
    "林业", "英语", "红色", "金额", "雨天", "思考", "一起", "一下", "一个", "一直", "一定", "可以",
    "可能", "宁可", "龙头", "超过", "飞机", "家里", "正在", "正常", "德国", "福利", "乐意", "美国",
    "美元", "生日", "生活", "学习", "学校", "先生", "星期", "晨练", "然后", "儿子", "儿童", "雷达",
    "方面", "方便", "方法", "远程", "开始", "开会", "中国", "中午", "亚洲", "秋天", "冬天", "夏天",
    "春天", "达到", "立刻", "力量", "胜利", "信息", "智能", "兴趣"};

constexpr std::string_view kOrdinarySurnameWords[] = {
    "王国", "王子", "王者", "黄金", "黄河", "黄山", "高峰", "高山", "高明", "高级", "高兴", "高强",
    "白云", "白雪", "白天", "江山", "金星", "金华", "孙子", "叶子", "黎明", "向东", "向前", "马上",
    "龙凤", "程序", "石林", "万一", "于是", "任何", "周末", "方便", "方面", "方法", "高中", "江西",
    "江苏", "金色", "金融", "白色", "钟表", "杨柳", "柳树", "乔木", "秦朝", "汉朝", "宋朝", "唐朝",
    "元朝", "明朝", "金秋", "林海", "雷雨", "陆军", "海军", "金山", "安康", "常州", "温州", "钱塘",
    "余杭", "余额", "华为", "梁山", "武汉", "沈阳", "洪水", "田园", "夏季", "秋季", "冬季", "严格",
    "严重", "段落", "雷电", "毛病", "孔子", "庄子", "老子", "韩国", "魏国", "齐国", "赵国", "吴国",
    "秦国", "楚国", "燕京", "许多", "何时", "何况", "史上", "龙卷", "田野", "陆地", "汤圆", "石头",
    "江湖", "黄色", "杨树", "庄稼", "高考", "高手", "施工", "朱红", "苏州", "贺卡", "邓小平",
    "毛泽东", "习近平",
    // Words jieba's dictionary tags as person names (nr), so its word table leaves them out.
    "谢谢", "杜鹃", "黄麻", "张开", "陈列", "高峰", "黄金周"};

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

// The character lists as bitmaps, built at start-up from the lists above: every Han character
// of a text is tested against several of them.
const CharSet kStopSet(kStopChars), kFrequentSet(kFrequentSurnames), kSingleSet(kSingleSurnames),
    kRareSet(kRareSurnames), kStrongSet(kStrongGiven), kWeakSet(kWeakGiven),
    kNumeralSet("二三四五六七八九十百千");

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
  return kStopSet.contains(utf8_char);
}

bool is_common_chinese_word(std::string_view utf8) {
  return std::any_of(std::begin(kCommonWords), std::end(kCommonWords),
                     [&](std::string_view w) { return utf8.starts_with(w); });
}

size_t chinese_surname_at(std::string_view text, size_t pos, int* prior) {
  const std::string_view rest = text.substr(pos);
  for (auto s : kCompoundSurnames)
    if (rest.starts_with(s)) {
      *prior = 3;
      return s.size();
    }
  if (rest.size() < 3) return 0;
  const std::string_view ch = rest.substr(0, 3);
  if (kFrequentSet.contains(ch)) {
    *prior = 2;
    return 3;
  }
  if (kSingleSet.contains(ch)) {
    *prior = 1;
    return 3;
  }
  if (kRareSet.contains(ch)) {
    *prior = 0;
    return 3;
  }
  return 0;
}

int given_name_char_weight(std::string_view utf8_char) {
  if (kStrongSet.contains(utf8_char)) return 2;
  // Numerals make placeholder names (张三, 李四) and ordinary phrases (王五个), not names.
  if (kNumeralSet.contains(utf8_char)) return 0;
  // The measured weight (chinese_name_stats.h) widens the hand lists to rarer characters.
  return std::max(kWeakSet.contains(utf8_char) ? 1 : 0, given_char_weight_from_data(utf8_char));
}

bool is_common_bigram(std::string_view two_chars) {
  return std::find(std::begin(kCommonBigrams), std::end(kCommonBigrams), two_chars) !=
             std::end(kCommonBigrams) ||
         is_ordinary_word_from_data(two_chars);
}

bool is_ordinary_surname_word(std::string_view utf8) {
  return std::find(std::begin(kOrdinarySurnameWords), std::end(kOrdinarySurnameWords), utf8) !=
             std::end(kOrdinarySurnameWords) ||
         is_ordinary_word_from_data(utf8);
}

bool is_common_english_word(std::string_view word) {
  return std::find(std::begin(kEnglishCommon), std::end(kEnglishCommon), word) !=
         std::end(kEnglishCommon);
}

}  // namespace tandem::privacy
