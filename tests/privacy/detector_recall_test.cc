// The detectors added for recall: bare names, phone/ID/card/e-mail variants, addresses.
#include <gtest/gtest.h>

#include "privacy/checksums.h"
#include "privacy/detector.h"
#include "privacy/found_values.h"

namespace tandem::privacy {
namespace {

using testing::found;
using testing::V;

TEST(BareChineseName, FoundWithoutCue) {
  EXPECT_EQ(found("王芳", PiiType::kName), V{"王芳"});
  EXPECT_EQ(found("李娜在会议室等你", PiiType::kName), V{"李娜"});
  EXPECT_EQ(found("张伟说他不来了", PiiType::kName), V{"张伟"});
  EXPECT_EQ(found("欧阳娜娜是我的同事", PiiType::kName), V{"欧阳娜娜"});
  EXPECT_EQ(found("请把文件交给刘洋。", PiiType::kName), V{"刘洋"});
  EXPECT_EQ(found("黄磊先生已经到了", PiiType::kName), V{"黄磊"});
  EXPECT_EQ(found("王国强是班长", PiiType::kName), V{"王国强"});  // 王国 + a strong 强
  EXPECT_EQ(found("高峰同学请发言", PiiType::kName), V{"高峰"});  // a title makes a word a name
}

TEST(BareChineseName, SplitsAtTheNextWord) {
  EXPECT_EQ(found("张伟明天去北京", PiiType::kName), V{"张伟"});
  EXPECT_EQ(found("我叫张伟明,来自杭州", PiiType::kName), V{"张伟明"});
}

TEST(BareChineseName, OrdinaryWordsStartingWithASurname) {
  for (const char* text : {"高中", "江西", "王国", "黄金", "周末", "方便", "明天", "我在读高中",
                           "这个王国很古老", "黄金价格又涨了", "高峰期地铁很挤", "这里交通很方便",
                           "石头剪刀布", "林业局发布了通知", "万一下雨怎么办"})
    EXPECT_TRUE(found(text, PiiType::kName).empty()) << text;
}

TEST(BareEnglishName, CapitalisationAndContext) {
  EXPECT_EQ(found("Please forward this to Zhang Wei.", PiiType::kName), V{"Zhang Wei"});
  EXPECT_EQ(found("Li Na will join the call.", PiiType::kName), V{"Li Na"});
  EXPECT_EQ(found("I had lunch with Alice yesterday.", PiiType::kName), V{"Alice"});
  EXPECT_EQ(found("Can you call John tomorrow?", PiiType::kName), V{"John"});
  EXPECT_EQ(found("Alice Smith approved it.", PiiType::kName), V{"Alice Smith"});
  EXPECT_EQ(found("name: Alice Smith", PiiType::kName), V{"Alice Smith"});
  EXPECT_EQ(found("Dear Zora, thanks.", PiiType::kName), V{"Zora"});
  EXPECT_EQ(found("Ask Chen Jing about it.", PiiType::kName), V{"Chen Jing"});
  EXPECT_EQ(found("Will Smith is an actor.", PiiType::kName), V{"Will Smith"});
}

TEST(BareEnglishName, CommonCapitalisedWordsAreNotNames) {
  for (const char* text :
       {"Monday morning at 9am", "We flew from Beijing to Shanghai in March.",
        "I use Python and Java.", "Google Cloud and Microsoft Azure", "New York in December.",
        "Hong Kong and Macau", "Feng Shui", "Will you come?", "Mark the item as done.",
        "See you in May.", "The United States and China", "OK, let me check."})
    EXPECT_TRUE(found(text, PiiType::kName).empty()) << text;
}

TEST(PhoneVariants, PrefixesSeparatorsWidths) {
  EXPECT_EQ(found("0086 139 0000 1111", PiiType::kPhone), V{"0086 139 0000 1111"});
  EXPECT_EQ(found("手机 138.0013.8000", PiiType::kPhone), V{"138.0013.8000"});
  EXPECT_EQ(found("１３８００１３８０００", PiiType::kPhone), V{"１３８００１３８０００"});
  EXPECT_EQ(found("号码１３９1234５６７８", PiiType::kPhone), V{"１３９1234５６７８"});
  EXPECT_TRUE(found("138.00.13.8000", PiiType::kPhone).empty());
  EXPECT_TRUE(found("v1.38.0013", PiiType::kPhone).empty());
}

TEST(PhoneVariants, Landlines) {
  EXPECT_EQ(found("010-12345678", PiiType::kPhone), V{"010-12345678"});
  EXPECT_EQ(found("021-1234-5678", PiiType::kPhone), V{"021-1234-5678"});
  EXPECT_EQ(found("深圳 0755-12345678 转 8001", PiiType::kPhone), V{"0755-12345678"});
  EXPECT_EQ(found("(010)12345678", PiiType::kPhone), V{"(010)12345678"});
  EXPECT_EQ(found("（021）64321234", PiiType::kPhone), V{"（021）64321234"});
  EXPECT_EQ(found("+86 10 8765 4321", PiiType::kPhone), V{"+86 10 8765 4321"});
  EXPECT_TRUE(found("01012345678", PiiType::kPhone).empty());  // no separator: ambiguous
  EXPECT_TRUE(found("2024-05-06", PiiType::kPhone).empty());
  EXPECT_TRUE(found("邮编 100020", PiiType::kPhone).empty());
}

TEST(IdVariants, LowerCaseXLegacyAndGrouped) {
  EXPECT_EQ(found("11010519491231002x", PiiType::kId), V{"11010519491231002x"});
  EXPECT_EQ(found("老身份证 110105491231002", PiiType::kId), V{"110105491231002"});
  EXPECT_TRUE(found("110105491331002", PiiType::kId).empty());  // month 13
  EXPECT_TRUE(found("990105491231002", PiiType::kId).empty());  // no such province
  EXPECT_EQ(found("110105 19491231 002X", PiiType::kId), V{"110105 19491231 002X"});
  EXPECT_EQ(found("１１０１０５１９４９１２３１００２Ｘ", PiiType::kId),
            V{"１１０１０５１９４９１２３１００２Ｘ"});
}

TEST(CardAndEmailVariants, FullWidth) {
  EXPECT_EQ(found("４１１１１１１１１１１１１１１１", PiiType::kCard),
            V{"４１１１１１１１１１１１１１１１"});
  EXPECT_EQ(found("４１１１ １１１１ １１１１ １１１１", PiiType::kCard),
            V{"４１１１ １１１１ １１１１ １１１１"});
  EXPECT_TRUE(found("条形码 6901234567892", PiiType::kCard).empty());  // 13 digits: EAN-13
  EXPECT_EQ(found("邮箱 wangfang＠qq.com", PiiType::kEmail), V{"wangfang＠qq.com"});
  EXPECT_EQ(found("abc_123＠163．com", PiiType::kEmail), V{"abc_123＠163．com"});
}

TEST(Address, ChineseLevels) {
  EXPECT_EQ(found("我住在北京市朝阳区建国路88号", PiiType::kAddress), V{"北京市朝阳区建国路88号"});
  EXPECT_EQ(found("广东省深圳市南山区科技园南区1栋2单元301室", PiiType::kAddress),
            V{"广东省深圳市南山区科技园南区1栋2单元301室"});
  EXPECT_EQ(found("公司在上海市浦东新区世纪大道100号。", PiiType::kAddress),
            V{"上海市浦东新区世纪大道100号"});
  EXPECT_EQ(found("天津市和平区南京路219号", PiiType::kAddress), V{"天津市和平区南京路219号"});
  EXPECT_EQ(found("新地址是广州市天河区天河路385号", PiiType::kAddress),
            V{"广州市天河区天河路385号"});
}

TEST(Address, OneLevelOrASentenceIsNot) {
  for (const char* text :
       {"上海市的人口有多少", "我在市区上班", "这个城市的社区服务很好", "我去了超市和小区门口",
        "广东省和浙江省哪个大", "8号线地铁站", "会议室在3楼", "这条路很长"})
    EXPECT_TRUE(found(text, PiiType::kAddress).empty()) << text;
}

TEST(Address, English) {
  EXPECT_EQ(found("Ship it to 123 Main Street, Apt 4B.", PiiType::kAddress),
            V{"123 Main Street, Apt 4B"});
  EXPECT_EQ(found("He lives at 42 Baker Street.", PiiType::kAddress), V{"42 Baker Street"});
  EXPECT_TRUE(found("I walked 5 miles down the Street", PiiType::kAddress).empty());
}

// The new rules and scanners stay linear: megabyte inputs that would hurt a backtracking
// engine or a quadratic scanner finish (no timing assertion).
TEST(DetectorRecall, MegabyteInputsStayLinear) {
  const size_t n = 1 << 20;
  std::string han, addr, caps, width;
  while (han.size() < n) han += "王芳李娜高中";
  while (addr.size() < n) addr += "北京市朝阳区";
  while (caps.size() < n) caps += "Alice Smith Zhang Wei ";
  while (width.size() < n) width += "１３８ ";
  EXPECT_FALSE(found(han, PiiType::kName).empty());
  EXPECT_FALSE(found(addr, PiiType::kAddress).empty());
  EXPECT_FALSE(found(caps, PiiType::kName).empty());
  EXPECT_TRUE(found(width, PiiType::kPhone).empty());
}

TEST(Ipv6, CompressedAndFullFormsButNotTimesOrMacs) {
  EXPECT_EQ(found("IPv6 地址 240e:3a1:4c20:9d0::1b 能 ping 通吗？", PiiType::kIp),
            V{"240e:3a1:4c20:9d0::1b"});
  EXPECT_EQ(found("server 2001:0db8:85a3:0000:0000:8a2e:0370:7334 is down", PiiType::kIp),
            V{"2001:0db8:85a3:0000:0000:8a2e:0370:7334"});
  EXPECT_EQ(found("loopback ::1 only", PiiType::kIp), V{"::1"});
  for (const char* text :
       {"会议 12:30:45 开始", "MAC 00:1a:2b:3c:4d:5e", "ratio 3:2:1", "a:b::c::d", "12345::1"})
    EXPECT_TRUE(found(text, PiiType::kIp).empty()) << text;
  EXPECT_TRUE(ipv6_valid("fe80::"));
  EXPECT_FALSE(ipv6_valid("1:2:3:4:5:6:7"));  // seven groups need a ::
  EXPECT_FALSE(ipv6_valid("1:2:3:4:5:6:7:8:9"));
}

TEST(Ipv4, AVersionStringIsNotAnAddress) {
  EXPECT_TRUE(found("把 App 更新到 v2.14.0.3 版本后就闪退。", PiiType::kIp).empty());
  EXPECT_EQ(found("服务器 10.0.0.12 连不上", PiiType::kIp), V{"10.0.0.12"});
}

TEST(ChineseAddress, StreetsInDaoAndRoomsAfterTheBuilding) {
  EXPECT_EQ(found("寄到广东省深圳市南山区高新南七道18号，谢谢", PiiType::kAddress),
            V{"广东省深圳市南山区高新南七道18号"});
  EXPECT_EQ(found("取件地址：上海市徐汇区漕溪北路88号ABC国际城B座2203，取件人", PiiType::kAddress),
            V{"上海市徐汇区漕溪北路88号ABC国际城B座2203"});
  // Digits that run on into a phone number are not a room number: the phone stays whole.
  EXPECT_EQ(found("南京市鼓楼区中山路1号13800138000", PiiType::kPhone), V{"13800138000"});
}

}  // namespace
}  // namespace tandem::privacy
