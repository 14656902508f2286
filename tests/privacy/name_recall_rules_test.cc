// Rules added for name recall: the generated lexicon of well-known people, list and word-boundary
// context for Chinese names, and English names known by a verb, a possessive or a Chinese verb.
#include <gtest/gtest.h>

#include "privacy/detector.h"
#include "privacy/found_values.h"
#include "privacy/names/chinese_famous_names.h"

namespace tandem::privacy {
namespace {

using testing::names;
using testing::V;

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

TEST(FamousChineseName, TwoCharacterPublicFigures) {
  EXPECT_EQ(names("我在读杜牧的诗"), V{"杜牧"});
  EXPECT_EQ(names("巴金写过《家》"), V{"巴金"});       // no surname in the scorer's lists
  EXPECT_TRUE(names("望子成龙是父母的心愿").empty());  // 成龙 inside 望子成龙
  EXPECT_TRUE(names("买一张飞机票").empty());          // 张飞 across 一张 and 飞机
}

TEST(BareChineseName, PlacesAndDishesOnTheLatticeAreNoNames) {
  // Words of the dictionary with a place or object suffix (岳阳楼, 龙井茶): not names.
  EXPECT_TRUE(names("周末想去岳阳楼看看").empty());
  EXPECT_TRUE(names("泡一壶龙井茶").empty());
}

TEST(BareChineseName, RelativesAndRolesBeforeANameAreContext) {
  EXPECT_EQ(names("周六和堂弟祁文博去钓鱼"), V{"祁文博"});
  EXPECT_EQ(names("邻居芮建军送来一袋苹果"), V{"芮建军"});
  EXPECT_TRUE(names("妈妈周末回来").empty());
  EXPECT_TRUE(names("我和高中同学吃饭").empty());  // a school year before 同学
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

TEST(BareEnglishName, DiacriticsAndLongerNames) {
  EXPECT_EQ(names("Minutes taken by Søren Kierkegaard today."), V{"Søren Kierkegaard"});
  EXPECT_EQ(names("请联系 Łucja Wiśniewska 确认时间"), V{"Łucja Wiśniewska"});
  EXPECT_EQ(names("Please ask Nguyen Van Long for the visa."), V{"Nguyen Van Long"});
  EXPECT_EQ(names("签证上写的是 LIU Yichen"), V{"LIU Yichen"});
  EXPECT_EQ(names("A painting by Anthony van Dyck"), V{"Anthony van Dyck"});
  EXPECT_TRUE(names("Flights to Zürich are cheap.").empty());
}

TEST(BareEnglishName, PairsInChineseTextAndPartners) {
  EXPECT_EQ(names("帮我查查 Marie Curie 的生平"), V{"Marie Curie"});
  EXPECT_EQ(names("讲讲 Alan Turing 的故事"), V{"Alan Turing"});
  EXPECT_TRUE(names("Red Hat 的认证难考吗").empty());
  // Not across a Chinese word: "Hannah Arendt 和 Simone" is no one span.
  EXPECT_EQ(names("Hannah Arendt 和 Simone 是朋友"), V{"Hannah Arendt"});
  EXPECT_EQ(names("Invite Priya and Oisin to lunch."), (V{"Priya", "Oisin"}));
  EXPECT_EQ(names("Call Kenji Sato first; Kenji knows the plan."), (V{"Kenji Sato", "Kenji"}));
}

}  // namespace
}  // namespace tandem::privacy
