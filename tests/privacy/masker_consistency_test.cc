// Conversation-wide consistency: a value found anywhere keeps its placeholder everywhere,
// including where the detector alone would not fire.
#include <gtest/gtest.h>

#include "privacy/masker.h"

namespace tandem::privacy {
namespace {

TEST(MaskerKnownValues, NameFoundWithCueIsMaskedBareLater) {
  Masker m;
  EXPECT_EQ(m.mask("我叫张三,请记住"), "我叫<NAME_1>,请记住");
  // 张三 alone is not found by the detector (三 is a numeral) but is known now.
  EXPECT_EQ(m.mask("张三去上学了"), "<NAME_1>去上学了");
  EXPECT_EQ(m.mask("好的,张三同学。"), "好的,<NAME_1>同学。");  // an assistant turn
}

TEST(MaskerKnownValues, EnglishNamesMatchWholeWordsOnly) {
  Masker m;
  EXPECT_EQ(m.mask("my name is Ann"), "my name is <NAME_1>");
  EXPECT_EQ(m.mask("Ann said hi; Annual report; ann"), "<NAME_1> said hi; Annual report; ann");
}

TEST(MaskerKnownValues, DigitsMatchAcrossWidthsAndSeparators) {
  Masker m;
  EXPECT_EQ(m.mask("电话 13800138000"), "电话 <PHONE_1>");
  EXPECT_EQ(m.mask("还是１３８００１３８０００吗"), "还是<PHONE_1>吗");
  EXPECT_EQ(m.mask("+86 138-0013-8000"), "<PHONE_1>");
  EXPECT_EQ(m.mask("138 0013 8000."), "<PHONE_1>.");
  // Unmasking gives the form the value was first seen in.
  EXPECT_EQ(m.unmask("<PHONE_1>"), "13800138000");
  EXPECT_EQ(m.mask("13800138001"), "<PHONE_2>");                // a different number
  EXPECT_EQ(m.mask("订单 913800138000"), "订单 913800138000");  // inside a longer number
}

TEST(MaskerKnownValues, LearnThenMaskCoversEarlierMessages) {
  Masker m;
  const std::vector<std::string> turns = {"王小二来了吗", "assistant: 王小二还没到",
                                          "我的名字是王小二"};
  const auto masked = m.mask_all(turns);
  ASSERT_EQ(masked.size(), 3u);
  EXPECT_EQ(masked[0], "<NAME_1>来了吗");
  EXPECT_EQ(masked[1], "assistant: <NAME_1>还没到");
  EXPECT_EQ(masked[2], "我的名字是<NAME_1>");
}

TEST(MaskerKnownValues, AddressPlaceholderRoundTrips) {
  Masker m;
  const std::string text = "寄到北京市朝阳区建国路88号,收件人李娜";
  const std::string masked = m.mask(text);
  EXPECT_EQ(masked, "寄到<ADDRESS_1>,收件人<NAME_1>");
  EXPECT_EQ(m.unmask(masked), text);
  EXPECT_EQ(m.mask("还是北京市朝阳区建国路88号"), "还是<ADDRESS_1>");
}

TEST(MaskerKnownValues, CopiesKeepTheirOwnConversation) {
  Masker a;
  a.mask("我叫张三");
  Masker b = a;  // the Dispatcher checks a conversation's Masker out by copy
  EXPECT_EQ(b.mask("张三"), "<NAME_1>");
  EXPECT_EQ(Masker().mask("张三"), "张三");
}

// Known values on a megabyte of text with a match every few bytes: no quadratic merging.
TEST(MaskerKnownValues, MegabyteOfKnownValues) {
  Masker m;
  m.mask("我叫张三,电话 13800138000");
  std::string text;
  while (text.size() < (1u << 20)) text += "张三 13800138000 ";
  const std::string masked = m.mask(text);
  EXPECT_EQ(masked.find("张三"), std::string::npos);
  EXPECT_EQ(masked.find("13800138000"), std::string::npos);
}

}  // namespace
}  // namespace tandem::privacy
