// Masking and unmasking over a conversation.
#include "privacy/masker.h"

#include <gtest/gtest.h>

namespace tandem::privacy {
namespace {

TEST(Masker, SeedExampleMasksAndRoundTrips) {
  Masker m;
  const std::string text = "我叫张三,电话 13800000000。";
  const std::string masked = m.mask(text);
  EXPECT_EQ(masked, "我叫<NAME_1>,电话 <PHONE_1>。");
  EXPECT_EQ(m.unmask(masked), text);
}

TEST(Masker, SameValueSamePlaceholderAcrossMessages) {
  Masker m;
  EXPECT_EQ(m.mask("call 13800000000 or 13900000000"), "call <PHONE_1> or <PHONE_2>");
  EXPECT_EQ(m.mask("again: 13900000000, mail a@example.com"), "again: <PHONE_2>, mail <EMAIL_1>");
  EXPECT_EQ(m.mask("13800000000 and b@example.com"), "<PHONE_1> and <EMAIL_2>");
  EXPECT_EQ(m.placeholders().size(), 4u);
  EXPECT_EQ(m.unmask("<EMAIL_2> <PHONE_1><PHONE_2>"), "b@example.com 1380000000013900000000");
}

// A known number in brackets, in a later message (or the same one, mask_all): the brackets
// are the sentence's and survive the round trip; an area code's brackets are the number's.
TEST(Masker, BracketsAroundAKnownNumberStayOutsideThePlaceholder) {
  Masker m;
  const std::vector<std::string> texts = {"号码(15012345678)已停机"};
  const auto masked = m.mask_all(texts);
  EXPECT_EQ(masked[0], "号码(<PHONE_1>)已停机");
  EXPECT_EQ(m.unmask(masked[0]), texts[0]);
  EXPECT_EQ(m.mask("again (150 1234 5678)."), "again (<PHONE_1>).");
  Masker area;
  EXPECT_EQ(area.mask("电话(010)12345678找我"), "电话<PHONE_1>找我");
  EXPECT_EQ(area.mask("再打(010)12345678"), "再打<PHONE_1>");
  EXPECT_EQ(area.unmask("再打<PHONE_1>"), "再打(010)12345678");
}

TEST(Masker, NumberingIsPerType) {
  Masker m;
  EXPECT_EQ(m.mask("我是李雷,IP 10.0.0.1,卡 4111 1111 1111 1111,身份证 11010519491231002X"),
            "我是<NAME_1>,IP <IP_1>,卡 <CARD_1>,身份证 <ID_1>");
  EXPECT_EQ(m.mask("My name is Alice, server 10.0.0.2"), "My name is <NAME_2>, server <IP_2>");
}

TEST(Masker, UnmaskLeavesUnknownPlaceholdersAndOtherTextAlone) {
  Masker m;
  m.mask("13800000000");
  EXPECT_EQ(m.unmask("<PHONE_2> <PHONE_1 > <<PHONE_1>> a<b>c <"),
            "<PHONE_2> <PHONE_1 > <13800000000> a<b>c <");
  EXPECT_EQ(m.unmask(""), "");
  EXPECT_EQ(m.mask("no personal data here"), "no personal data here");
}

TEST(Masker, PlaceholderQueries) {
  Masker m;
  m.mask("a@example.com");
  EXPECT_EQ(m.value_of("<EMAIL_1>"), "a@example.com");
  EXPECT_FALSE(m.value_of("<EMAIL_2>"));
  EXPECT_TRUE(m.is_placeholder_prefix("<"));
  EXPECT_TRUE(m.is_placeholder_prefix("<EMA"));
  EXPECT_TRUE(m.is_placeholder_prefix("<EMAIL_1"));
  EXPECT_FALSE(m.is_placeholder_prefix("<EMAIL_1>"));  // complete, not a proper prefix
  EXPECT_FALSE(m.is_placeholder_prefix("<EMAIL_2"));
  EXPECT_FALSE(m.is_placeholder_prefix("<PHO"));  // no phone was masked
  EXPECT_FALSE(m.is_placeholder_prefix("x"));
}

// A country prefix the detector leaves outside the number stays in the text, in every turn.
TEST(Masker, ACountryPrefixOutsideTheMatchComesBack) {
  Masker m;
  const std::string text = "有事打我电话 (+86) 150 3378 9912";
  const std::string masked = m.mask(text);
  EXPECT_EQ(m.unmask(masked), text) << masked;
  const std::string again = m.mask("Again: " + text);
  EXPECT_EQ(m.unmask(again), "Again: " + text) << again;
}

}  // namespace
}  // namespace tandem::privacy
