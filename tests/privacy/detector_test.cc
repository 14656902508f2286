// Every detector: positives, negatives and near-misses, plus overlaps and linear time.
#include "privacy/detector.h"

#include <gtest/gtest.h>

#include "privacy/checksums.h"

namespace tandem::privacy {
namespace {

std::vector<PiiMatch> scan(std::string_view text) {
  return PiiDetector::shared().detect(text);
}

// The values of type t found in text.
std::vector<std::string> found(std::string_view text, PiiType t) {
  std::vector<std::string> v;
  for (const auto& m : scan(text))
    if (m.type == t) v.push_back(m.value);
  return v;
}

using V = std::vector<std::string>;

TEST(Checksums, LuhnIdAndDates) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("4111a11111111111"));
  EXPECT_TRUE(valid_date(2000, 2, 29));
  EXPECT_FALSE(valid_date(1900, 2, 29));  // divisible by 100, not by 400
  EXPECT_TRUE(valid_date(2024, 2, 29));
  EXPECT_FALSE(valid_date(2023, 2, 29));
  EXPECT_FALSE(valid_date(1999, 2, 30));
  EXPECT_FALSE(valid_date(1999, 4, 31));
  EXPECT_FALSE(valid_date(1999, 13, 1));
  EXPECT_FALSE(valid_date(1999, 0, 1));
  EXPECT_EQ(resident_id_check_char("11010519491231002"), 'X');
  EXPECT_TRUE(resident_id_valid("11010519491231002X"));
  EXPECT_TRUE(resident_id_valid("11010519491231002x"));
  EXPECT_FALSE(resident_id_valid("110105194912310021"));  // wrong check digit
  EXPECT_FALSE(resident_id_valid("990105194912310020"));  // no such province
}

TEST(Phone, Positives) {
  EXPECT_EQ(found("电话 13800000000。", PiiType::kPhone), V{"13800000000"});
  EXPECT_EQ(found("call +86 138 0000 0000 now", PiiType::kPhone), V{"+86 138 0000 0000"});
  EXPECT_EQ(found("+8613912345678", PiiType::kPhone), V{"+8613912345678"});
  EXPECT_EQ(found("86-159-1234-5678", PiiType::kPhone), V{"86-159-1234-5678"});
  EXPECT_EQ(found("手机:138-0000-0000,备用19912345678", PiiType::kPhone),
            (V{"138-0000-0000", "19912345678"}));
  EXPECT_EQ(found("13800000000,13900000000", PiiType::kPhone), (V{"13800000000", "13900000000"}));
}

TEST(Phone, NorthAmericanNumbersNeedSeparatedGroups) {
  EXPECT_EQ(found("My new number is 415-555-0198.", PiiType::kPhone), V{"415-555-0198"});
  EXPECT_EQ(found("call (415) 555-0173 today", PiiType::kPhone), V{"(415) 555-0173"});
  EXPECT_EQ(found("cell: +1 415 555-0123", PiiType::kPhone), V{"+1 415 555-0123"});
  EXPECT_TRUE(found("order 4155550198", PiiType::kPhone).empty());     // no separators
  EXPECT_TRUE(found("200 300 4000 500", PiiType::kPhone).empty());     // a list of numbers
  EXPECT_TRUE(found("on 2024-05-18 at 10", PiiType::kPhone).empty());  // a date
  EXPECT_TRUE(found("version 1.234.567.8901", PiiType::kPhone).empty());
}

TEST(Phone, NegativesAndNearMisses) {
  EXPECT_TRUE(found("1380000000", PiiType::kPhone).empty());    // 10 digits
  EXPECT_TRUE(found("138000000001", PiiType::kPhone).empty());  // 12 digits
  EXPECT_TRUE(found("12800000000", PiiType::kPhone).empty());   // second digit 2
  EXPECT_TRUE(found("10800000000", PiiType::kPhone).empty());
  EXPECT_TRUE(found("order 913800000000", PiiType::kPhone).empty());  // inside a longer number
  EXPECT_TRUE(found("138 000 00000", PiiType::kPhone).empty());       // not 3-4-4
  EXPECT_TRUE(found("hello world", PiiType::kPhone).empty());
}

TEST(ResidentId, Positives) {
  EXPECT_EQ(found("身份证号11010519491231002X。", PiiType::kId), V{"11010519491231002X"});
  EXPECT_EQ(found("id 11010519491231002x ok", PiiType::kId), V{"11010519491231002x"});
  EXPECT_EQ(found("320106200002294562", PiiType::kId), V{"320106200002294562"});  // 2000-02-29
  EXPECT_EQ(found("a:110105198001011238,b:440304199003071231", PiiType::kId).size(), 1u);
}

TEST(ResidentId, NearMisses) {
  EXPECT_TRUE(found("110105194912310021", PiiType::kId).empty());   // wrong check digit
  EXPECT_TRUE(found("110101199902301231", PiiType::kId).empty());   // 1999-02-30
  EXPECT_TRUE(found("110105190002290000", PiiType::kId).empty());   // 1900 is not a leap year
  EXPECT_TRUE(found("11010519491231002", PiiType::kId).empty());    // 17 chars
  EXPECT_TRUE(found("11010519491231002X1", PiiType::kId).empty());  // inside a longer run
  EXPECT_TRUE(found("1101051949123100", PiiType::kId).empty());
}

TEST(BankCard, Positives) {
  EXPECT_EQ(found("卡号6222020200001234562", PiiType::kCard), V{"6222020200001234562"});
  EXPECT_EQ(found("visa 4111 1111 1111 1111.", PiiType::kCard), V{"4111 1111 1111 1111"});
  EXPECT_EQ(found("4111-1111-1111-1111", PiiType::kCard), V{"4111-1111-1111-1111"});
  EXPECT_EQ(found("amex 3782 822463 10005", PiiType::kCard), V{"3782 822463 10005"});
  EXPECT_EQ(found("6217 0012 3456 7893", PiiType::kCard), V{"6217 0012 3456 7893"});
}

TEST(BankCard, NearMisses) {
  EXPECT_TRUE(found("4111111111111112", PiiType::kCard).empty());      // fails Luhn
  EXPECT_TRUE(found("411111111111", PiiType::kCard).empty());          // 12 digits
  EXPECT_TRUE(found("41111111111111111111", PiiType::kCard).empty());  // 20 digits
  EXPECT_TRUE(found("4111 111 1111 11111", PiiType::kCard).empty());   // implausible grouping
  // An 18-digit number that is a valid ID and passes Luhn is an ID, not a card.
  ASSERT_TRUE(luhn_valid("110105199001010256"));
  const auto m = scan("110105199001010256");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].type, PiiType::kId);
  // A phone number is never a card, even with +86 in front.
  EXPECT_TRUE(found("13800000000", PiiType::kCard).empty());
  const auto p = scan("86 13800000000");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].type, PiiType::kPhone);
}

TEST(Email, PositivesAndNegatives) {
  EXPECT_EQ(found("mail zhang.san+work@mail.example.com.cn!", PiiType::kEmail),
            V{"zhang.san+work@mail.example.com.cn"});
  EXPECT_EQ(found("邮箱:a_b@qq.com,谢谢", PiiType::kEmail), V{"a_b@qq.com"});
  EXPECT_TRUE(found("user@localhost", PiiType::kEmail).empty());
  EXPECT_TRUE(found("@example.com", PiiType::kEmail).empty());
  EXPECT_TRUE(found("a@b.c", PiiType::kEmail).empty());
  EXPECT_TRUE(found("no at sign here.com", PiiType::kEmail).empty());
  // The phone number inside an address is part of the address.
  const auto m = scan("13800000000@163.com");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].type, PiiType::kEmail);
}

TEST(Ipv4, PositivesAndNegatives) {
  EXPECT_EQ(found("server 192.168.1.10.", PiiType::kIp), V{"192.168.1.10"});
  EXPECT_EQ(found("ip:8.8.8.8,10.0.0.255", PiiType::kIp), (V{"8.8.8.8", "10.0.0.255"}));
  EXPECT_EQ(found("255.255.255.255", PiiType::kIp), V{"255.255.255.255"});
  EXPECT_TRUE(found("256.1.1.1", PiiType::kIp).empty());
  EXPECT_TRUE(found("1.2.3.400", PiiType::kIp).empty());
  EXPECT_TRUE(found("1.2.3", PiiType::kIp).empty());
  EXPECT_TRUE(found("version 1.2.3.4.5", PiiType::kIp).empty());
  EXPECT_TRUE(found("192.168.01.1", PiiType::kIp).empty());  // leading zero
}

TEST(ChineseName, Positives) {
  EXPECT_EQ(found("我叫张三,电话", PiiType::kName), V{"张三"});
  EXPECT_EQ(found("你好,我是王小明。", PiiType::kName), V{"王小明"});
  EXPECT_EQ(found("我的名字是欧阳娜娜", PiiType::kName), V{"欧阳娜娜"});
  EXPECT_EQ(found("姓名:李雷", PiiType::kName), V{"李雷"});
  EXPECT_EQ(found("姓名: 司马懿", PiiType::kName), V{"司马懿"});
  EXPECT_EQ(found("我叫刘洋的朋友", PiiType::kName), V{"刘洋"});  // 的 ends the name
}

TEST(ChineseName, Negatives) {
  EXPECT_TRUE(found("我是学生", PiiType::kName).empty());    // 学 is not a surname
  EXPECT_TRUE(found("我是高中生", PiiType::kName).empty());  // an ordinary word
  EXPECT_TRUE(found("我是江西人", PiiType::kName).empty());
  // 三 is a numeral, not in the given-name model: the placeholder name 张三 is not found bare.
  EXPECT_TRUE(found("张三去上学了", PiiType::kName).empty());
  EXPECT_TRUE(found("我叫你", PiiType::kName).empty());
}

// A form field's name before a bare name: 收件人车晓萌, 联系人：栾子墨, 姓名李雷, @周子涵.
TEST(ChineseName, AfterAFieldName) {
  EXPECT_EQ(found("姓名李雷", PiiType::kName), V{"李雷"});
  EXPECT_EQ(found("快递已签收，收件人车晓萌", PiiType::kName), V{"车晓萌"});
  EXPECT_EQ(found("@周子涵 你的快递到了", PiiType::kName), V{"周子涵"});
  EXPECT_TRUE(found("收件人车站取件", PiiType::kName).empty());  // 车站: an ordinary word
}

TEST(EnglishName, Positives) {
  EXPECT_EQ(found("Hi, my name is Alice Smith.", PiiType::kName), V{"Alice Smith"});
  EXPECT_EQ(found("My name is Bob", PiiType::kName), V{"Bob"});
  EXPECT_EQ(found("I am John and I like tea", PiiType::kName), V{"John"});
  EXPECT_EQ(found("I'm Sarah O'Brien", PiiType::kName), V{"Sarah O'Brien"});
  EXPECT_EQ(found("Please ask Dr. Watson", PiiType::kName), V{"Watson"});
  EXPECT_EQ(found("Mrs Jane Doe called", PiiType::kName), V{"Jane Doe"});
  EXPECT_EQ(found("I am Alice Today", PiiType::kName), V{"Alice"});
}

TEST(EnglishName, Negatives) {
  EXPECT_TRUE(found("I am happy", PiiType::kName).empty());
  EXPECT_TRUE(found("I am Happy", PiiType::kName).empty());
  EXPECT_TRUE(found("I'm Chinese", PiiType::kName).empty());
  EXPECT_TRUE(found("I am OK", PiiType::kName).empty());
  EXPECT_TRUE(found("my name is long", PiiType::kName).empty());
  EXPECT_TRUE(found("Went home early", PiiType::kName).empty());
  // Not after the "I am" cue (DIAM is no "I am"), but Bob is a given name on its own.
  EXPECT_EQ(found("DIAM Bob", PiiType::kName), V{"Bob"});
}

TEST(Detector, MixedTextSortedWithOffsets) {
  const std::string text = "我叫张三,电话 13800000000,邮箱 zs@example.com,IP 10.1.2.3";
  const auto m = scan(text);
  ASSERT_EQ(m.size(), 4u);
  const PiiType want[] = {PiiType::kName, PiiType::kPhone, PiiType::kEmail, PiiType::kIp};
  for (size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(m[i].type, want[i]) << i;
    EXPECT_EQ(text.substr(m[i].begin, m[i].end - m[i].begin), m[i].value);
    if (i > 0) {
      EXPECT_LE(m[i - 1].end, m[i].begin);
    }
  }
}

TEST(Detector, NothingInPlainText) {
  EXPECT_TRUE(scan("").empty());
  EXPECT_TRUE(scan("Once upon a time there was a little dog.").empty());
  EXPECT_TRUE(scan("写一首关于春天的诗,1234 字以内。").empty());
}

// Sanity check of linear behaviour on inputs that hurt backtracking engines; no timing
// assertion, the test would simply not finish if matching were exponential.
TEST(Detector, MegabyteAdversarialInputs) {
  const size_t n = 1 << 20;
  EXPECT_TRUE(scan(std::string(n, '1')).empty());
  std::string dots;
  while (dots.size() < n) dots += "1.";
  EXPECT_TRUE(scan(dots).empty());
  std::string mail(n, 'a');
  mail += "@";
  EXPECT_TRUE(scan(mail).empty());
  std::string digits_spaces;
  while (digits_spaces.size() < n) digits_spaces += "1 2-";
  EXPECT_TRUE(found(digits_spaces, PiiType::kCard).empty());
  std::string names;
  while (names.size() < n) names += "我是我叫";
  EXPECT_TRUE(scan(names).empty());
}

}  // namespace
}  // namespace tandem::privacy
