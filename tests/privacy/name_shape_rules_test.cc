// Rules added after heldout4: forms of address are not given names, roles and titles around a
// name, names spelled like words in a person's context, modern and Korean surnames, doubled
// given characters, Japanese names, passport names in capitals and story verbs. Every sentence
// here is new (none is taken from testdata/privacy).
#include <gtest/gtest.h>

#include "privacy/detector.h"
#include "privacy/found_values.h"
#include "privacy/names/chinese_famous_names.h"

namespace tandem::privacy {
namespace {

using testing::found;
using testing::names;
using testing::V;

TEST(NameShape, AFormOfAddressIsNoGivenName) {
  EXPECT_TRUE(names("请转告赵老师明天开会").empty());
  EXPECT_TRUE(names("请转告赵师傅明天来修空调").empty());
  EXPECT_EQ(names("赵文博老师明天开会"), V{"赵文博"});
}

TEST(NameShape, FamousLexiconDropsAddressFormsWorksAndCreatures) {
  EXPECT_EQ(famous_chinese_name_at("赵员外", 0), 0u);  // surname + rank
  EXPECT_EQ(famous_chinese_name_at("荆钗记", 0), 0u);  // a play
  EXPECT_EQ(famous_chinese_name_at("马屁精", 0), 0u);  // a flatterer
  EXPECT_EQ(famous_chinese_name_at("白居易", 0), 9u);
}

TEST(NameShape, RolesBeforeAndTitlesAfterAName) {
  EXPECT_EQ(names("我同学蓝海洋明天来"), V{"蓝海洋"});
  EXPECT_EQ(names("夜班 蓝海洋 护士"), V{"蓝海洋"});  // a title after one space
  EXPECT_EQ(names("签到：江海洋家长"), V{"江海洋"});
  EXPECT_TRUE(names("班主任说明天放假").empty());
  EXPECT_TRUE(names("班主任说下周开家长会").empty());  // 家长会 is a meeting, not a title
}

TEST(NameShape, WordsAreNamesWhereTheContextIsAPersons) {
  EXPECT_EQ(names("江河说他今晚加班"), V{"江河"});
  EXPECT_EQ(names("安然的妈妈来接她了"), V{"安然"});
  EXPECT_EQ(names("我男朋友叫白云，帮我写首诗"), V{"白云"});
  EXPECT_EQ(names("冷风和我约好明天去钓鱼"), V{"冷风"});
  EXPECT_EQ(names("周敏和周全报名了运动会"), (V{"周敏", "周全"}));  // a partner of a name
  EXPECT_TRUE(names("马上说她不来了").empty());
  EXPECT_TRUE(names("白天说好的事晚上又变了").empty());
  EXPECT_TRUE(names("那座山叫黄山").empty());      // 叫 said of a mountain
  EXPECT_TRUE(names("孩子叫宁宁").empty());        // a doubled surname is a pet name
  EXPECT_TRUE(names("辛苦的爸爸最伟大").empty());  // an adjective before 的爸爸
  EXPECT_TRUE(names("程序员加班很辛苦").empty());
}

TEST(NameShape, ModernAndKoreanSurnames) {
  EXPECT_EQ(names("和苟思源一起吃饭"), V{"苟思源"});
  EXPECT_EQ(names("请朴敏英明天到办公室"), V{"朴敏英"});
  EXPECT_TRUE(names("时间不早了，利用好周末").empty());
}

TEST(NameShape, DoubledGivenCharacters) {
  EXPECT_EQ(names("赵妞妞今天过生日"), V{"赵妞妞"});
  EXPECT_TRUE(names("金灿灿的麦田").empty());  // an ABB adjective
  EXPECT_TRUE(names("老王刚刚到").empty());    // a doubled adverb
}

TEST(NameShape, JapaneseNames) {
  EXPECT_EQ(names("下周和渡边健一开会"), V{"渡边健一"});
  EXPECT_EQ(names("铃木由美子来了"), V{"铃木由美子"});
  EXPECT_EQ(names("日本同事佐藤美咲生日快乐"), V{"佐藤美咲"});  // 生 starts 生日
  EXPECT_TRUE(names("小林一直在等你").empty());
  EXPECT_TRUE(names("山本太太来了").empty());  // a form of address
}

TEST(NameShape, EnglishPassportNamesAndStoryVerbs) {
  EXPECT_EQ(names("护照上写的是 LIU YANG"), V{"LIU YANG"});
  EXPECT_TRUE(names("HONG KONG AIRPORT").empty());
  EXPECT_EQ(names("Write a story where Bilbo Baggins meets a dragon."), V{"Bilbo Baggins"});
}

TEST(NameShape, BrandsFoodsAndProductsAreNoNames) {
  EXPECT_TRUE(names("杨国福麻辣烫好吃吗").empty());  // a listed brand
  EXPECT_TRUE(names("周记鸭脖真好吃").empty());      // a brand before its product
  EXPECT_EQ(names("王敏面试通过了"), V{"王敏"});     // 面试 is a word, not a product
}

TEST(NameShape, ForeignPeopleInTransliteration) {
  EXPECT_EQ(names("给孩子讲讲牛顿的故事"), V{"牛顿"});
  EXPECT_EQ(names("莎士比亚写了哪些悲剧"), V{"莎士比亚"});
  EXPECT_TRUE(names("我家车库里有辆车").empty());
}

TEST(NameShape, SaidBeforeANameAndHeEndingIt) {
  EXPECT_EQ(names("听表姐说姜宇航下周回国"), V{"姜宇航"});
  EXPECT_EQ(names("我们班主任：魏清和"), V{"魏清和"});  // 和 before the end joins nothing
  EXPECT_EQ(names("张强和李静"), (V{"张强", "李静"}));
}

TEST(NameShape, TwoTypicalGivenCharactersAfterAWordEndingInTheSurname) {
  EXPECT_EQ(names("下周一曲欣悦请假"), V{"曲欣悦"});  // 一曲 is a word
  EXPECT_TRUE(names("感谢婷婷的帮助").empty());       // a doubled pet name after 感谢
}

TEST(NameShape, ForeignStreetWordsAreNoNames) {
  EXPECT_TRUE(names("Ship it to 3 Rue de Lappe, Paris.").empty());
  EXPECT_EQ(found("Ship it to 3 Rue de Lappe, Paris.", PiiType::kAddress),
            V{"3 Rue de Lappe, Paris"});
  EXPECT_EQ(
      found("Add: Flat 5, No. 12 Nanjing Road, Huangpu District, Shanghai", PiiType::kAddress),
      V{"Flat 5, No. 12 Nanjing Road, Huangpu District, Shanghai"});
  EXPECT_EQ(names("Vincent van Gogh painted it"), V{"Vincent van Gogh"});
}

}  // namespace
}  // namespace tandem::privacy
