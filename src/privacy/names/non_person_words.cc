#include "privacy/names/non_person_words.h"

#include <algorithm>
#include <iterator>

#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/name_context.h"

namespace tandem::privacy {
namespace {

// Brands and shops, foods, fruits and herbs, weather and solar terms that start with a surname
// character (general knowledge, not from the test files; sorted by UTF-8 bytes).
constexpr std::string_view kWords[] = {
    "乌梅",     "云南白药", "伊利",     "何首乌", "元气森林",   "党参",     "全聚德", "兰州拉面",
    "农夫山泉", "包菜",     "华莱士",   "卫龙",   "古井贡",     "周大福",   "周生生", "哈尔滨",
    "夏至",     "孔府家",   "安踏",     "山楂",   "张亮麻辣烫", "张裕",     "徐福记", "方太",
    "暴雨",     "朴朴",     "李宁",     "李锦记", "杨国福",     "杨枝甘露", "杨桃",   "柳橙",
    "桂圆",     "桂枝",     "桑葚",     "梅子",   "毛毛雨",     "毛血旺",   "毛豆",   "水井坊",
    "江小白",   "汤达人",   "沙县小吃", "沙尘暴", "燕京",       "牛栏山",   "王朝",   "王致和",
    "甘草",     "田七",     "白切鸡",   "白术",   "白果",       "白沙",     "白糖",   "白象",
    "白露",     "石榴",     "秋分",     "米线",   "米醋",       "花菜",     "苏泊尔", "葛根",
    "蒙牛",     "蓝莓",     "郎酒",     "金六福", "金刚经",     "金威",     "金桔",   "金针菇",
    "金龙鱼",   "钱大妈",   "银耳",     "陈醋",   "雷暴",       "马卡龙",   "马应龙", "马蹄",
    "鱼香肉丝", "鲁花",     "麦当劳",   "黄焖鸡", "黄米",       "黄芪",     "黄豆",   "黄鹤楼",
    "龙卷风",   "龙眼"};

// Characters that head a product or dish after a brand: 周记|鸭脖, 老张|面馆.
constexpr std::string_view kProductHeads = "鸭鹅鸡面粉饼粥茶奶糖酱醋锅串馆铺卤羹糕";

// Goods, shops and services that follow a brand named after its founder or a person-shaped
// word (X麻辣烫, X十三香, X地图, X出行): a person's name is hardly followed directly by them.
// General shop and product words, not names from any test file.
constexpr std::string_view kProductWords[] = {
    "麻辣烫", "火锅",   "米饭",   "米粉",   "米线", "黄焖鸡", "十三香", "雪糕", "冰淇淋",
    "菜刀",   "剪刀",   "地图",   "出行",   "餐厅", "饭店",   "酒家",   "酒楼", "超市",
    "药房",   "药店",   "大药房", "便利店", "烤鸭", "烤肉",   "炸鸡",   "汉堡", "披萨",
    "凉茶",   "酸菜鱼", "烧烤",   "小吃",   "小卤", "卤味",   "鱼羹",   "凉皮", "包子",
    "饺子",   "馄饨",   "豆浆",   "油条",   "酱油", "调料",   "榨菜",   "辣条", "月饼",
    "面包",   "旗舰店", "专卖店", "连锁店", "门店", "分店",   "总店"};

}  // namespace

size_t non_person_word_at(std::string_view text, size_t pos) {
  const std::string_view rest = text.substr(pos);
  size_t best = 0;
  for (auto w : kWords)
    if (w.size() > best && rest.starts_with(w)) best = w.size();
  return best;
}

bool product_head_at(std::string_view text, size_t pos) {
  const std::string_view rest = text.substr(pos);
  for (auto w : kProductWords)
    if (rest.starts_with(w)) return true;
  if (!is_han(text, pos) || kProductHeads.find(text.substr(pos, kHan)) == std::string_view::npos)
    return false;
  return !(is_han(text, pos + kHan) && chinese_word_cost(text.substr(pos, 2 * kHan)));
}

}  // namespace tandem::privacy
