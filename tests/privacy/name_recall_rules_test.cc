// Rules added for name recall: the generated lexicon of well-known people, list and word-boundary
// context for Chinese names, and English names known by a verb, a possessive or a Chinese verb.
#include <gtest/gtest.h>

#include "privacy/detector.h"
#include "privacy/names/chinese_famous_names.h"

namespace tandem::privacy {
namespace {

using V = std::vector<std::string>;

V names(std::string_view text) {
  V v;
  for (const auto& m : PiiDetector::shared().detect(text))
    if (m.type == PiiType::kName) v.push_back(m.value);
  return v;
}

TEST(FamousChineseName, GeneratedLexicon) {
  EXPECT_EQ(famous_chinese_name_at("杜甫和白居易", 9), 9u);  // 白居易
  EXPECT_EQ(famous_chinese_name_at("司马迁写了史记", 0), 9u);
  // jieba tags these nr, the generator drops them: an ordinary word plus a character.
  EXPECT_EQ(famous_chinese_name_at("许可证", 0), 0u);
  EXPECT_EQ(famous_chinese_name_at("胡萝卜", 0), 0u);
  EXPECT_EQ(famous_chinese_name_at("丁二烯", 0), 0u);
}

TEST(FamousChineseName, FoundInText) {
  EXPECT_EQ(names("白居易的长恨歌写于哪一年"), V{"白居易"});
  EXPECT_EQ(names("王安石变法失败的原因"), V{"王安石"});
}

TEST(BareChineseName, ListSeparatorIsContext) {
  EXPECT_EQ(names("获奖名单：邬一鸣、滕子墨"), (V{"邬一鸣", "滕子墨"}));
}

TEST(BareChineseName, SurnameEndingAWordStartsNoName) {
  // 谢 ends 感谢; 周 ends 上周.
  EXPECT_EQ(names("感谢刘梓涵的帮助"), V{"刘梓涵"});
  EXPECT_TRUE(names("上周五开会").empty());
}

TEST(BareEnglishName, VerbAfterAnUnknownWord) {
  EXPECT_EQ(names("Ask whether Ravi can review it."), V{"Ravi"});
  EXPECT_EQ(names("What Darwin meant by fitness"), V{"Darwin"});
  // Not "is" (products are too), not the tail of a capitalised phrase.
  EXPECT_TRUE(names("I think Kubernetes is hard.").empty());
  EXPECT_TRUE(names("Star Wars is a classic.").empty());
}

TEST(BareEnglishName, PairWithPossessiveOrChineseVerb) {
  EXPECT_EQ(names("I read Ada Lovelace's notes."), V{"Ada Lovelace"});
  EXPECT_EQ(names("Marie Curie 说过这句话"), V{"Marie Curie"});
  EXPECT_EQ(names("项目由 Ravi 负责"), V{"Ravi"});
  EXPECT_TRUE(names("Visit the Golden Gate Bridge.").empty());
}

TEST(BareEnglishName, LatinLettersAndTitleAbbreviations) {
  EXPECT_EQ(names("Dear Mr. Fernandez, thanks."), V{"Fernandez"});
  EXPECT_EQ(names("Ask José about it"), V{"José"});
}

}  // namespace
}  // namespace tandem::privacy
