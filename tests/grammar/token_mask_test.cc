#include "grammar/token_mask.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "grammar_test_util.h"

namespace tandem::grammar {
namespace {

// Small random vocabulary: single characters (so every sentence is reachable), random
// multi-character pieces, and random byte slices of UTF-8 text that may start or end in
// the middle of a code point.
std::vector<std::string> random_vocab(std::mt19937& rng, size_t n) {
  const std::vector<std::string> chars = {
      "a", "b",  "c",  "d",  "e",  "f",  "l",  "n",  "r",  "s",  "t",  "u",  "x",  "z", "A",
      "E", "N",  "O",  "Q",  "0",  "1",  "2",  "5",  "9",  " ",  "\n", "\t", "{",  "}", "[",
      "]", ":",  ",",  "\"", "\\", "-",  "+",  "*",  "/",  "(",  ")",  ".",  "#",  "=", "!",
      "é", "こ", "ん", "に", "ち", "は", "日", "本", "語", "カ", "タ", "。", "、", "😀", "ー"};
  const std::string utf8_text = "こんにちは日本語カタカナ。、é😀";
  std::vector<std::string> vocab = chars;
  std::uniform_int_distribution<size_t> pick(0, chars.size() - 1);
  while (vocab.size() < n) {
    std::string tok;
    if (rng() % 4 == 0) {
      const size_t start = rng() % utf8_text.size();
      tok = utf8_text.substr(start, 1 + rng() % 5);
    } else {
      const size_t len = 2 + rng() % 5;
      for (size_t i = 0; i < len; ++i) tok += chars[pick(rng)];
    }
    vocab.push_back(tok);
  }
  vocab.push_back("");      // empty token: never allowed
  vocab.push_back("</s>");  // EOG
  return vocab;
}

// Brute force: run a copy of the matcher over each token's bytes.
TokenBitset reference_mask(const Matcher& m, const VocabIndex& vocab) {
  TokenBitset out(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    const auto id = static_cast<int32_t>(i);
    if (vocab.is_eog(id)) {
      if (m.is_complete()) out.set(i);
      continue;
    }
    Matcher copy = m;
    if (!vocab.token(id).empty() && copy.accept_bytes(vocab.token(id))) out.set(i);
  }
  return out;
}

void random_walks(const std::shared_ptr<const Grammar>& g, uint32_t seed, int walks,
                  int max_steps) {
  std::mt19937 rng(seed);
  const auto tokens = random_vocab(rng, 400);
  const std::vector<int32_t> eog = {static_cast<int32_t>(tokens.size() - 1)};
  auto vocab = std::make_shared<const VocabIndex>(tokens, eog);
  TokenMask mask(g, vocab);
  TokenBitset bits;
  for (int w = 0; w < walks; ++w) {
    Matcher m(g);
    for (int step = 0; step < max_steps; ++step) {
      mask.compute(m, bits);
      const TokenBitset want = reference_mask(m, *vocab);
      ASSERT_EQ(bits.words(), want.words()) << "walk " << w << " step " << step;
      std::vector<int32_t> allowed;
      for (size_t i = 0; i < bits.size(); ++i) {
        if (bits.test(i)) allowed.push_back(static_cast<int32_t>(i));
      }
      if (allowed.empty()) break;
      const int32_t id = allowed[rng() % allowed.size()];
      if (vocab->is_eog(id)) break;
      ASSERT_TRUE(mask.accept_token(m, id)) << "token " << id;
    }
  }
}

TEST(TokenMask, MatchesBruteForceOnTestdataGrammars) {
  uint32_t seed = 1;
  for (const char* name :
       {"arithmetic.gbnf", "json.gbnf", "list.gbnf", "chess.gbnf", "japanese.gbnf"}) {
    SCOPED_TRACE(name);
    random_walks(testing::load(name), seed++, 30, 40);
  }
}

TEST(TokenMask, MatchesBruteForceOnUtf8HeavyGrammars) {
  random_walks(parse_gbnf_shared("root ::= [^\"]* \"\\\"\" [こ-語]*"), 7, 30, 30);
  random_walks(parse_gbnf_shared("root ::= (. | \"😀\" \"a\")*"), 8, 30, 30);
  random_walks(parse_gbnf_shared("root ::= ([^a-z\\n] | [\\u3000-\\u30ff]+ \"x\")* \"\\n\""), 9, 30,
               30);
  // Counted repetitions: whole subtrees are accepted along chains of distinct states.
  random_walks(parse_gbnf_shared("root ::= [^\"]{0,12} \"\\\"\" [a-z ]{2,5}"), 10, 40, 30);
  random_walks(parse_gbnf_shared("root ::= (. | \"ab\"){3,9} [0-9]{0,3}"), 11, 40, 30);
}

TEST(TokenMask, EogOnlyWhenComplete) {
  auto g = parse_gbnf_shared("root ::= \"ab\" \"c\"?");
  const std::vector<std::string> tokens = {"a", "b", "ab", "c", "abc", "<eos>", ""};
  auto vocab = std::make_shared<const VocabIndex>(tokens, std::vector<int32_t>{5});
  TokenMask mask(g, vocab);
  Matcher m(g);
  TokenBitset bits = mask.compute(m);
  EXPECT_TRUE(bits.test(0));
  EXPECT_FALSE(bits.test(1));
  EXPECT_TRUE(bits.test(2));
  EXPECT_TRUE(bits.test(4));
  EXPECT_FALSE(bits.test(5));
  EXPECT_FALSE(bits.test(6));
  EXPECT_FALSE(mask.accept_token(m, 5));
  ASSERT_TRUE(mask.accept_token(m, 2));
  bits = mask.compute(m);
  EXPECT_TRUE(bits.test(5));
  EXPECT_TRUE(bits.test(3));
  EXPECT_FALSE(bits.test(0));
  EXPECT_EQ(bits.count(), 2u);
  EXPECT_TRUE(mask.accept_token(m, 5));
}

TEST(TokenMask, TokenEndingMidCodePoint) {
  auto g = parse_gbnf_shared("root ::= \"日本\"");
  // "日" = E6 97 A5, "本" = E6 9C AC; split tokens across the code point boundary.
  const std::vector<std::string> tokens = {"\xE6",     "\x97\xA5", "\xE6\x97", "\xA5\xE6\x9C\xAC",
                                           "\xE6\x9C", "\x80"};
  auto vocab = std::make_shared<const VocabIndex>(tokens, std::vector<int32_t>{});
  TokenMask mask(g, vocab);
  Matcher m(g);
  TokenBitset bits = mask.compute(m);
  EXPECT_TRUE(bits.test(0));
  EXPECT_TRUE(bits.test(2));
  EXPECT_FALSE(bits.test(4));  // E6 9C.. would be U+671C-U+673F, not 日 (U+65E5)
  EXPECT_FALSE(bits.test(5));
  ASSERT_TRUE(mask.accept_token(m, 2));
  bits = mask.compute(m);
  EXPECT_FALSE(bits.test(0));
  EXPECT_TRUE(bits.test(3));
  EXPECT_FALSE(bits.test(1));
  ASSERT_TRUE(mask.accept_token(m, 3));
  EXPECT_TRUE(m.is_complete());
}

}  // namespace
}  // namespace tandem::grammar
