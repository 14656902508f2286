#include "grammar/gbnf_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "grammar/matcher.h"
#include "grammar_test_util.h"

namespace tandem::grammar {
namespace {

// Returns the error message of parsing `text`, or "" if it parsed.
std::string parse_error(const std::string& text) {
  try {
    parse_gbnf(text);
  } catch (const GrammarError& e) {
    return e.what();
  }
  return "";
}

TEST(GbnfParser, ParsesTestdataGrammars) {
  for (const char* name :
       {"arithmetic.gbnf", "json.gbnf", "list.gbnf", "chess.gbnf", "japanese.gbnf"}) {
    EXPECT_NO_THROW(testing::load(name)) << name;
  }
}

TEST(GbnfParser, AcceptsDialectFeatures) {
  const char* ok[] = {
      "root ::= \"a\"",
      "root ::= \"a\"\n",
      "root ::= \"a\" | \"b\" # comment\n# another\n",
      "root ::= (\n  \"a\"\n  | \"b\"\n)",
      "root ::= \"a\" |\n  \"b\"",
      "root ::= [a-z0-9_] [^\\n] .",
      "root ::= \"\\x41\\u00e9\\U0001F600\\t\\r\\n\\\\\\\"\"",
      "root ::= [\\[\\]\\\\]",
      "root ::= x{3} x{2,} x{1,4} x{0,2} x* x+ x?\nx ::= \"x\"",
      "root ::= x { 2 , 3 }\nx ::= \"x\"",
      "root ::= rule_1 Rule-2\nrule_1 ::= \"a\"\nRule-2 ::= \"b\"",
      "root ::= \"\"",
      "root ::= ",
      "root ::= [^]",
      "root ::= \"a\"\r\nb ::= \"b\"\r\n",
      "root ::= [ぁ-ゟ]+",
  };
  for (const char* text : ok) EXPECT_EQ(parse_error(text), "") << text;
}

struct BadCase {
  const char* text;
  const char* expected;  // substring of the message, including line:column
};

TEST(GbnfParser, RejectsInvalidGrammarsWithPositions) {
  const BadCase bad[] = {
      {"root ::= \"abc", "1:10: unterminated string literal"},
      {"root ::= [abc", "1:10: unterminated character class"},
      {"root := \"a\"", "1:6: expected '::='"},
      {"root ::= \"a\"\n  ::= \"b\"", "2:3: expected rule name"},
      {"root ::= foo", "1:10: undefined rule 'foo'"},
      {"root ::= \"a\"\nx ::= \"b\" bar", "2:11: undefined rule 'bar'"},
      {"x ::= \"a\"", "no 'root' rule"},
      {"root ::= (\"a\"", "1:14: expected ')'"},
      {"root ::= \"a\" )", "1:14: unexpected ')'"},
      {"root ::= * \"a\"", "1:10: expected an item before repetition"},
      {"root ::= \"a\"{3,1}", "1:13: repetition maximum is below its minimum"},
      {"root ::= \"a\"{,3}", "1:14: expected an integer"},
      {"root ::= \"a\"{2", "1:15: expected '}'"},
      {"root ::= \"\\q\"", "1:11: unknown escape sequence '\\q'"},
      {"root ::= \"\\x4\"", "expected 2 hex digits"},
      {"root ::= [z-a]", "1:11: invalid character range"},
      {"root ::= []", "1:10: empty character class"},
      {"root ::= \"a\"\nroot ::= \"b\"", "2:1: rule 'root' is defined more than once"},
      {"root ::= <[12]>", "1:10: token references"},
      {"root ::= \"a\"\n| \"b\"", "2:1: expected rule name"},
      {"root ::= \"a\" @", "1:14: unexpected '@'"},
      {"root ::= \"é\" @", "1:14: unexpected '@'"},  // columns count code points
      {"root ::= root \"a\"", "left recursion detected in rule 'root'"},
      {"root ::= a\na ::= b? a \"x\"\nb ::= \"b\"", "left recursion detected in rule 'a'"},
      {"root ::= (\"a\"?)*", "left recursion"},
      {"root ::= \"a\"{5000}", "1:13: repetition too large"},
      {"root ::= \"abcdefghij\"{300}", "repetition too large"},
  };
  for (const BadCase& c : bad) {
    const std::string msg = parse_error(c.text);
    EXPECT_NE(msg.find(c.expected), std::string::npos)
        << "grammar: " << c.text << "\nmessage: " << msg << "\nexpected: " << c.expected;
  }
}

TEST(GbnfParser, BoundsPathologicalInputs) {
  std::string deep = "root ::= " + std::string(100000, '(') + "\"a\"" + std::string(100000, ')');
  EXPECT_NE(parse_error(deep).find("nested too deeply"), std::string::npos);

  // Nested bounded repetitions stay within the element budget or fail cleanly.
  std::string nested = "root ::= ";
  for (int i = 0; i < 50; ++i) nested += "(";
  nested += "\"a\"";
  for (int i = 0; i < 50; ++i) nested += "){1,30}";
  const std::string msg = parse_error(nested);
  EXPECT_TRUE(msg.empty() || msg.find("too") != std::string::npos) << msg;

  EXPECT_NE(parse_error("root ::= \"a\"{99999999999999}").find("too large"), std::string::npos);
  EXPECT_NE(parse_error("root ::= \"\xff\"").find("invalid UTF-8"), std::string::npos);
}

TEST(GbnfParser, RepetitionExpansionMatchesCounts) {
  auto g = parse_gbnf_shared("root ::= \"a\"{2,4} \"b\"{3} \"c\"{1,}");
  EXPECT_FALSE(matches(g, "abbbc"));
  EXPECT_TRUE(matches(g, "aabbbc"));
  EXPECT_TRUE(matches(g, "aaaabbbccc"));
  EXPECT_FALSE(matches(g, "aaaaabbbc"));
  EXPECT_FALSE(matches(g, "aabbc"));
  EXPECT_FALSE(matches(g, "aabbbbc"));
  EXPECT_FALSE(matches(g, "aabbb"));
}

}  // namespace
}  // namespace tandem::grammar
