// The word lattice behind bare Chinese names (names/chinese_segmenter.h): jieba's dictionary
// costs, a person name as one more kind of word, the cheapest path wins.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "privacy/detector.h"
#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/chinese_segmenter.h"

namespace tandem::privacy {
namespace {

using V = std::vector<std::string>;

// The segmentation as words, a name marked with '*'.
V words(std::string_view text) {
  V v;
  for (const Segment& s : segment_chinese(text))
    v.push_back(std::string(text.substr(s.begin, s.end - s.begin)) + (s.name ? "*" : ""));
  return v;
}

V lattice_names(std::string_view text) {
  V v;
  for (const auto& [b, e] : find_chinese_names_by_lattice(text))
    v.emplace_back(text.substr(b, e - b));
  return v;
}

V detected_names(std::string_view text) {
  V v;
  for (const auto& m : PiiDetector::shared().detect(text))
    if (m.type == PiiType::kName) v.push_back(m.value);
  return v;
}

TEST(ChineseLexicon, GeneratedCosts) {
  ASSERT_TRUE(chinese_word_cost("明天").has_value());
  ASSERT_TRUE(chinese_word_cost("马路").has_value());
  EXPECT_FALSE(chinese_word_cost("知远").has_value());
  // A frequent word is cheaper than a rare one; a frequent character than a rare one.
  EXPECT_LT(*chinese_word_cost("明天"), *chinese_word_cost("马路"));
  EXPECT_LT(chinese_char_cost("的"), chinese_char_cost("琮"));
  // 婷 is a given-name character, 的 hardly; 王 is a frequent surname, 们 none of the list (明
  // is one since the lattice took the Hundred Family Surnames).
  EXPECT_LT(given_name_char_cost("婷"), given_name_char_cost("的"));
  ASSERT_TRUE(surname_cost("王").has_value());
  ASSERT_TRUE(surname_cost("欧阳").has_value());
  EXPECT_FALSE(surname_cost("们").has_value());
  EXPECT_LT(*surname_cost("王"), *surname_cost("明"));
}

TEST(ChineseSegmenter, SegmentsIntoDictionaryWords) {
  EXPECT_EQ(words("我们明天去公园"), (V{"我们", "明天", "去", "公园"}));
  // Latin, digits and punctuation end a run; they are not segmented.
  EXPECT_EQ(words("下午3点开会。"), (V{"下午", "点", "开会"}));
  EXPECT_TRUE(words("Hello, world").empty());
}

TEST(ChineseSegmenter, AnUnknownNameIsOneSegment) {
  // 若溪 and 知远 are no words: the characters read best as one name.
  EXPECT_EQ(words("记得通知殷若溪开会"), (V{"记得", "通知", "殷若溪*", "开会"}));
  EXPECT_EQ(lattice_names("帮我把文件转给柏知远"), V{"柏知远"});
  EXPECT_EQ(lattice_names("昨天和卓一凡打了球"), V{"卓一凡"});
}

TEST(ChineseSegmenter, WordsStartingWithASurnameAreNoNames) {
  EXPECT_TRUE(lattice_names("马路对面新开了一家面馆").empty());
  EXPECT_TRUE(lattice_names("周末我们去黄山看日出").empty());
  EXPECT_TRUE(lattice_names("胡萝卜炖牛肉").empty());
  EXPECT_TRUE(lattice_names("上周的会议纪要").empty());  // 周 ends 上周
}

TEST(ChineseSegmenter, RareSurnamesOfTheHundredFamilies) {
  // 卜 and 窦 are surnames of the Hundred Family Surnames the scorer does not list.
  EXPECT_EQ(lattice_names("下午约了卜怀瑾喝茶"), V{"卜怀瑾"});
  EXPECT_EQ(lattice_names("请把报告交给窦雨桐"), V{"窦雨桐"});
}

TEST(ChineseSegmenter, MeasureWordsPlacesAndGluedCharactersAreNoNames) {
  EXPECT_TRUE(lattice_names("那张照片拍得真好").empty());  // 张 counts the photo
  EXPECT_TRUE(lattice_names("两双袜子").empty());
  EXPECT_TRUE(lattice_names("周末去吴江区看房").empty());  // 吴江 + 区
  // 天 joins 气 in 天气, not the name before it.
  EXPECT_EQ(lattice_names("通知韦昊天气变了"), V{"韦昊"});
  // The second 戴 is a verb (戴上), not a given character repeating the surname.
  EXPECT_EQ(detected_names("晚上戴昀戴上了耳机"), V{"戴昀"});
  // 千 may start a given name.
  EXPECT_EQ(lattice_names("通知杨千蔚明早开会"), V{"杨千蔚"});
  EXPECT_TRUE(lattice_names("借了张千块钱").empty());
}

TEST(ChineseSegmenter, LinearOnALongRun) {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "王梓萱";
  EXPECT_FALSE(segment_chinese(s).empty());
}

TEST(ChineseSegmenter, DetectorFindsModernGivenNames) {
  // Given names the character statistics alone missed: rare in the dictionary's older text.
  EXPECT_EQ(detected_names("下午和柯梓墨一起去图书馆"), V{"柯梓墨"});
  EXPECT_EQ(detected_names("诸葛星辰的论文通过了"), V{"诸葛星辰"});
  EXPECT_TRUE(detected_names("周末去马鞍山爬山").empty());
}

}  // namespace
}  // namespace tandem::privacy
