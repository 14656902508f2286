#include "grammar/matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grammar_test_util.h"

namespace tandem::grammar {
namespace {

struct Expectation {
  std::string text;
  bool complete;
};

void check_all(const std::shared_ptr<const Grammar>& g, const std::vector<std::string>& good,
               const std::vector<std::string>& bad) {
  for (const auto& s : good) EXPECT_TRUE(matches(g, s)) << "should accept: " << s;
  for (const auto& s : bad) EXPECT_FALSE(matches(g, s)) << "should reject: " << s;
}

TEST(Matcher, Arithmetic) {
  check_all(testing::load("arithmetic.gbnf"),
            {"1", "42", "1+2", "1 + 2", "(1+2)*3", "-(4 / 2) - -3", "((((7))))", "10*20/30-40"},
            {"", "+", "1+", "(1", "1)", "1 +  2", "a", "1++2", "()", "1 2"});
}

TEST(Matcher, Json) {
  check_all(testing::load("json.gbnf"),
            {"{}", "{\"a\":1}", "{\"a\": [1, 2.5, -3e10, true, false, null]}",
             "{\"k\": {\"n\": {\"m\": \"v\\n\\u00e9\"}}}", "{\n  \"x\": \"日本語\"\n}",
             "{\"a\":\"\\\"\"}"},
            {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":01}",
             "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{\"a\":1} x"});
}

TEST(Matcher, ListRepetitionBounds) {
  check_all(testing::load("list.gbnf"),
            {"- a\n", "- hello worl\n", "- a\n- b\n- c\n- d\n", "- abcdefghij\n"},
            {"", "- \n", "- a\n- b\n- c\n- d\n- e\n", "- abcdefghijk\n", "- A\n", "-a\n"});
}

TEST(Matcher, Chess) {
  check_all(testing::load("chess.gbnf"),
            {"1. e4 e5\n2. Nf3 Nc6\n", "1. d4 d5\n2. c4 dxc4\n3. O-O O-O-O+\n",
             "1. e4 e5\n12. Qxf7# e8=Q\n"},
            {"1. e4 e5\n", "1. e9 e5\n2. a3 a6\n", "1. e4 e5\n0. a3 a6\n", "1.e4 e5\n2. a3 a6\n"});
}

TEST(Matcher, JapaneseUtf8Classes) {
  check_all(testing::load("japanese.gbnf"),
            {"こんにちは。", "カタカナ、ひらがな！", "日本語 (nihongo)。", "東京・大阪😀",
             "はい。いいえ。はい。"},
            {"", "hello。", "こんにちは", "こんにちは。。", "한국어。", "日本語(nihongo)。",
             "はい。いいえ。はい。はい。"});
}

TEST(Matcher, Utf8SplitAcrossCalls) {
  auto g = parse_gbnf_shared("root ::= [ぁ-ゟ]+ \"!\"");
  const std::string text = "ありがとう!";
  Matcher m(g);
  for (char c : text) {
    ASSERT_TRUE(m.accept_bytes(std::string(1, c)));
    EXPECT_TRUE(m.is_valid_prefix());
  }
  EXPECT_TRUE(m.is_complete());

  // A lead byte that can only become a code point outside the class is rejected early.
  Matcher m2(g);
  EXPECT_FALSE(m2.accept_bytes("\xEA"));  // U+A000.. is not hiragana
  EXPECT_TRUE(m2.accept_bytes("\xE3"));   // U+3000.. may be
  EXPECT_FALSE(m2.is_complete());
  EXPECT_FALSE(m2.accept_bytes("a"));         // not a continuation byte
  EXPECT_FALSE(m2.accept_bytes("\x80\x80"));  // completes to U+3000, not hiragana

  // A 4-byte lead completes to U+10000 or above, a 3-byte E0 lead to U+0800 or above: neither
  // fits a class below them (found by the llama.cpp parity test).
  Matcher m3(parse_gbnf_shared(R"(root ::= [\u2600-\u26FF])"));
  EXPECT_FALSE(m3.accept_bytes("\xF0"));
  EXPECT_TRUE(m3.accept_bytes("\xE2"));
  Matcher m4(parse_gbnf_shared(R"(root ::= [\u0100-\u01FF])"));
  EXPECT_FALSE(m4.accept_bytes("\xE0"));
  EXPECT_TRUE(m4.accept_bytes("\xC4\x80"));
}

TEST(Matcher, InvalidUtf8IsRejected) {
  auto g = parse_gbnf_shared("root ::= .*");
  Matcher m(g);
  EXPECT_FALSE(m.accept_bytes("\x80"));
  EXPECT_FALSE(m.accept_bytes("\xC0\x80"));      // overlong
  EXPECT_FALSE(m.accept_bytes("\xE0\x80\x80"));  // overlong
  EXPECT_FALSE(m.accept_bytes("\xF8"));
  EXPECT_TRUE(m.accept_bytes("a\xC3\xA9"));
  EXPECT_TRUE(m.is_complete());
}

TEST(Matcher, RejectedInputLeavesStateUnchanged) {
  auto g = parse_gbnf_shared("root ::= \"abc\" | \"abd\"");
  Matcher m(g);
  ASSERT_TRUE(m.accept_bytes("ab"));
  EXPECT_FALSE(m.accept_bytes("x"));
  EXPECT_FALSE(m.accept_bytes("cc"));
  EXPECT_TRUE(m.accept_bytes("d"));
  EXPECT_TRUE(m.is_complete());
  EXPECT_FALSE(m.accept_bytes("d"));
  m.reset();
  EXPECT_FALSE(m.is_complete());
  EXPECT_TRUE(m.accept_code_point('a'));
}

TEST(Matcher, AmbiguityKeepsAllParses) {
  // Both alternatives share a long prefix; the parse must stay ambiguous until 'x'/'y'.
  auto g = parse_gbnf_shared("root ::= a \"x\" | b \"y\"\na ::= [a-z]+\nb ::= [a-m]+");
  EXPECT_TRUE(matches(g, "abcx"));
  EXPECT_TRUE(matches(g, "abcy"));
  EXPECT_FALSE(matches(g, "xyzy"));
  EXPECT_TRUE(matches(g, "xyzx"));
}

TEST(Matcher, LiveStackBoundIsEnforced) {
  // Each 'a' doubles the distinct pending continuations (b or c): 2^n live stacks.
  auto grammar = parse_gbnf_shared("root ::= s\ns ::= \"a\" s \"b\" | \"a\" s \"c\" | ");
  Matcher m(grammar);
  EXPECT_THROW(
      {
        for (int i = 0; i < 64; ++i) m.accept_bytes("a");
      },
      StackLimitError);
}

TEST(Matcher, EmptyAlternativesAndNullableRules) {
  auto g = parse_gbnf_shared("root ::= opt opt \"z\"\nopt ::= | \"a\"");
  check_all(g, {"z", "az", "aaz"}, {"aaaz", "", "a"});
  auto empty = parse_gbnf_shared("root ::= ");
  Matcher m(empty);
  EXPECT_TRUE(m.is_complete());
  EXPECT_FALSE(m.accept_bytes("a"));
}

}  // namespace
}  // namespace tandem::grammar
