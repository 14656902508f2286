// Causes of false alarms and misses read from heldout7 (brands before a product, colloquial
// forms of address, clan-named places, verb tails, book titles, lower-case pinyin, middle
// initials; addresses through a park's building or a road with 和 in its name). Every sentence here
// is new (none is taken from testdata/privacy).
#include <gtest/gtest.h>

#include "privacy/detector.h"
#include "privacy/found_values.h"

namespace tandem::privacy {
namespace {

using testing::names;
using testing::V;

TEST(NameCauses, ABrandBeforeAProductOrShopWordIsNoPerson) {
  EXPECT_TRUE(names("公司对面那家刘春华麻辣烫关门了").empty());
  EXPECT_TRUE(names("周末去吃邓丽芳火锅吧").empty());
  EXPECT_EQ(names("刘春华明天来开会"), V{"刘春华"});
}

TEST(NameCauses, ASurnameWithAColloquialFormOfAddressIsANickname) {
  EXPECT_TRUE(names("郑姐让我们先把表格填好").empty());
  EXPECT_TRUE(names("钱工，这张图纸还要改吗").empty());
  EXPECT_TRUE(names("下午彭哥请大家吃西瓜").empty());
}

TEST(NameCauses, ClanNamedPlacesAreNoPeople) {
  EXPECT_TRUE(names("我们周末去蒋家湾钓鱼").empty());
  EXPECT_TRUE(names("下个月去孙家庄看望外婆").empty());
}

TEST(NameCauses, AOneCharacterVerbAfterAStrongGivenCharacterIsCut) {
  EXPECT_EQ(names("你帮我跟唐婷道个歉"), V{"唐婷"});
  EXPECT_EQ(names("让邹琳先回去休息"), V{"邹琳"});
}

TEST(NameCauses, WordsOfABookTitleAreNoName) {
  EXPECT_TRUE(names("你看过《韩梅花开》这本小说吗").empty());
  EXPECT_TRUE(names("推荐一下《林霞日记》吧").empty());
}

TEST(NameCauses, APieceOfAFourCharacterWordIsNoName) {
  EXPECT_TRUE(names("他总是张冠李戴，把名字记错").empty());
}

TEST(NameCauses, CompoundSurnamesOfTheHundredFamilySurnames) {
  EXPECT_EQ(names("请联系申屠浩然确认合同"), V{"申屠浩然"});
  EXPECT_TRUE(names("这种事司空见惯了").empty());
}

TEST(NameCauses, LowerCasePinyinNamesInChat) {
  EXPECT_EQ(names("can you ask zhao lei about the invoice"), V{"zhao lei"});
  EXPECT_EQ(names("xiaoyu wang说她晚点到"), V{"xiaoyu wang"});
  EXPECT_TRUE(names("jia you, you can do it").empty());
  EXPECT_TRUE(names("the sun came up over the hills").empty());
  EXPECT_TRUE(names("i flew to hang zhou last week").empty());
}

TEST(NameCauses, EnglishNameShapes) {
  EXPECT_EQ(names("Kind regards,\nMarcus J. Holloway\nFinance"), V{"Marcus J. Holloway"});
  EXPECT_EQ(names("Dr. Rachel Moore's clinic is closed today."), V{"Rachel Moore"});
  EXPECT_EQ(names("Can Wang Fang take the late shift?"), V{"Wang Fang"});
}

TEST(AddressCauses, ParksBeforeABuildingAndRoadsWithHeInTheirName) {
  auto addresses = [](std::string_view text) {
    V v;
    for (const auto& m : PiiDetector::shared().detect(text))
      if (m.type == PiiType::kAddress) v.push_back(m.value);
    return v;
  };
  EXPECT_EQ(addresses("会议在南京市江宁区秣陵街道12号科技园3号楼召开"),
            V{"南京市江宁区秣陵街道12号科技园3号楼"});
  EXPECT_EQ(addresses("发票寄到深圳市福田区新和路8号B座"), V{"深圳市福田区新和路8号B座"});
  EXPECT_TRUE(addresses("周末去植物园看花吧").empty());
}

}  // namespace
}  // namespace tandem::privacy
