// Word units and protected spans of prompt compression (compress/word_units.h), on hand-made
// pieces and on the stories260K tokenizer.
#include "compress/word_units.h"

#include <gtest/gtest.h>

#include "engine/model.h"
#include "support/paths.h"

namespace tandem::compress {
namespace {

std::vector<std::pair<size_t, size_t>> ranges(const std::vector<WordUnit>& u) {
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& x : u) out.emplace_back(x.begin, x.end);
  return out;
}

TEST(WordUnits, SplitAtWhitespaceAndKeepMultiTokenWordsWhole) {
  const std::vector<std::string> pieces = {" Once", " up", "on", " a", " time", ",", " diff", "e"};
  const auto u = word_units(pieces, {}, true);
  const std::vector<std::pair<size_t, size_t>> want = {{0, 1}, {1, 3}, {3, 4}, {4, 6}, {6, 8}};
  EXPECT_EQ(ranges(u), want);
}

TEST(WordUnits, WhitespaceTokensJoinTheWordAfterThem) {
  // "foo\n    bar baz": the newline and the indentation belong to "bar".
  const std::vector<std::string> pieces = {" foo", "\n", "  ", "  ", "bar", " baz"};
  const auto u = word_units(pieces, {}, true);
  const std::vector<std::pair<size_t, size_t>> want = {{0, 1}, {1, 5}, {5, 6}};
  EXPECT_EQ(ranges(u), want);
}

TEST(WordUnits, SpecialTokensAreTheirOwnProtectedUnits) {
  const std::vector<std::string> pieces = {" hello", "", " world"};
  const std::vector<uint8_t> special = {0, 1, 0};
  const auto u = word_units(pieces, special, true);
  ASSERT_EQ(u.size(), 3u);
  EXPECT_FALSE(u[0].protect);
  EXPECT_TRUE(u[1].protect);
  EXPECT_FALSE(u[2].protect);
}

TEST(ProtectedSpans, PlaceholdersAsTheMaskerWritesThem) {
  const std::string t = "call <PHONE_1> or <ADDRESS_12>, not <b> or <PHONE_> or <phone_1>";
  const auto s = protected_spans(t, true);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(t.substr(s[0].first, s[0].second - s[0].first), "<PHONE_1>");
  EXPECT_EQ(t.substr(s[1].first, s[1].second - s[1].first), "<ADDRESS_12>");
}

TEST(ProtectedSpans, CodeFencesClosedAndUnclosedUnlessAsked) {
  const std::string t = "see ```py\nx = 1\n``` and ```\ny";
  const auto s = protected_spans(t, true);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(t.substr(s[0].first, s[0].second - s[0].first), "```py\nx = 1\n```");
  EXPECT_EQ(t.substr(s[1].first), "```\ny");
  EXPECT_TRUE(protected_spans(t, false).empty());
}

TEST(WordUnits, APlaceholderSplitIntoTokensIsOneProtectedUnit) {
  const auto m = engine::Model::load(test::stories("stories260K-f32.gguf"));
  const auto& tok = m->tokenizer();
  const auto ids = tok.encode("The girl called <PHONE_1> yesterday.", false, false);
  const auto u = word_units(tok, ids, true);
  int protected_units = 0;
  for (const auto& x : u) {
    std::vector<tokenizer::TokenId> part(ids.begin() + x.begin, ids.begin() + x.end);
    if (x.protect) {
      ++protected_units;
      EXPECT_EQ(tok.decode(part), "<PHONE_1>");
      EXPECT_GT(x.size(), 2u);  // several tokens in this 512-token vocabulary
    }
  }
  EXPECT_EQ(protected_units, 1);
}

}  // namespace
}  // namespace tandem::compress
