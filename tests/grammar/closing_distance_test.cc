// ClosingDistance against a breadth-first search for the shortest completion, and the
// budgeted token mask against brute force (advance a copy, measure what is left).
#include "grammar/closing_distance.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "grammar/matcher.h"
#include "grammar/token_mask.h"
#include "grammar_test_util.h"

namespace tandem::grammar {
namespace {

// Shortest completion by BFS over stack sets, stepping by one code point of `alphabet`.
uint32_t bfs_distance(const Grammar& g, const StackSet& start,
                      const std::vector<uint32_t>& alphabet, uint32_t limit) {
  std::map<StackSet, uint32_t> seen{{start, 0}};
  std::deque<StackSet> queue{start};
  while (!queue.empty()) {
    StackSet cur = queue.front();
    queue.pop_front();
    const uint32_t d = seen[cur];
    if (any_complete(cur)) return d;
    if (d >= limit) continue;
    for (uint32_t cp : alphabet) {
      StackSet next = advance_stacks(g, cur, cp);
      if (next.empty() || seen.count(next)) continue;
      seen.emplace(next, d + 1);
      queue.push_back(std::move(next));
    }
  }
  return ClosingDistance::kInfinite;
}

std::vector<uint32_t> ascii_alphabet() {
  std::vector<uint32_t> out;
  for (uint32_t c = 9; c < 127; ++c)
    if (c == 9 || c == 10 || c >= 32) out.push_back(c);
  return out;
}

TEST(ClosingDistance, RulesAndSimpleStacks) {
  auto g = parse_gbnf_shared(R"(root ::= "ab" item{2,3} ("x" | "yz")
                                item ::= [0-9]+ ",")");
  ClosingDistance d(*g);
  Matcher m(g);
  EXPECT_EQ(d.of(m.stacks()), 2u + 2 * 2 + 1);
  ASSERT_TRUE(m.accept_bytes("ab12,"));
  EXPECT_EQ(d.of(m.stacks()), 2u + 1);  // one more item, then x
  ASSERT_TRUE(m.accept_bytes("3,4,"));
  EXPECT_EQ(d.of(m.stacks()), 1u);
  ASSERT_TRUE(m.accept_bytes("y"));
  EXPECT_EQ(d.of(m.stacks()), 1u);
  ASSERT_TRUE(m.accept_bytes("z"));
  EXPECT_EQ(d.of(m.stacks()), 0u);
}

TEST(ClosingDistance, RecursionWithoutAnExitIsInfinite) {
  auto g = parse_gbnf_shared(R"(root ::= "a" | loop
                                loop ::= "b" loop)");
  ClosingDistance d(*g);
  Matcher m(g);
  EXPECT_EQ(d.of(m.stacks()), 1u);
  ASSERT_TRUE(m.accept_bytes("b"));
  EXPECT_EQ(d.of(m.stacks()), ClosingDistance::kInfinite);
}

// Along random walks through real grammars, the computed distance is the BFS one.
TEST(ClosingDistance, EqualsTheShortestCompletionOnTestdataGrammars) {
  const auto alphabet = ascii_alphabet();
  std::mt19937 rng(5);
  for (const char* name : {"arithmetic.gbnf", "json.gbnf", "list.gbnf", "chess.gbnf"}) {
    SCOPED_TRACE(name);
    auto g = testing::load(name);
    ClosingDistance d(*g);
    for (int walk = 0; walk < 8; ++walk) {
      Matcher m(g);
      for (int step = 0; step < 25; ++step) {
        const uint32_t want = bfs_distance(*g, m.stacks(), alphabet, 12);
        const uint32_t got = d.of(m.stacks());
        if (want != ClosingDistance::kInfinite) {
          ASSERT_EQ(got, want) << "walk " << walk << " step " << step;
        } else {
          ASSERT_GT(got, 12u);
        }
        std::vector<uint32_t> ok;
        for (uint32_t cp : alphabet)
          if (!advance_stacks(*g, m.stacks(), cp).empty()) ok.push_back(cp);
        if (ok.empty()) break;
        ASSERT_TRUE(m.accept_code_point(ok[rng() % ok.size()]));
      }
    }
  }
}

// The budgeted mask = brute force: tokens accepted by a copy whose distance fits.
TEST(ClosingDistance, BudgetedMaskMatchesBruteForce) {
  std::mt19937 rng(3);
  std::vector<std::string> tokens = {"{", "}", "[", "]", "\"", ":", ",", " ", "a", "b", "1",
                                     "0", "-", ".", "e", "t",  "r", "u", "n", "l", "f", "s"};
  const std::vector<std::string> pieces = {"\"a\"", "{\"", "\":", "\"}",  "abc",    "12",   "true",
                                           "null",  "[{",  "}]",  ", \"", "\": \"", "x y z"};
  tokens.insert(tokens.end(), pieces.begin(), pieces.end());
  tokens.push_back("</s>");
  auto vocab = std::make_shared<const VocabIndex>(
      tokens, std::vector<int32_t>{static_cast<int32_t>(tokens.size() - 1)});
  auto g = testing::load("json.gbnf");
  ClosingDistance d(*g);
  TokenMask mask(g, vocab);
  TokenBitset bits;
  for (int walk = 0; walk < 20; ++walk) {
    Matcher m(g);
    for (int step = 0; step < 30; ++step) {
      const uint32_t limit = static_cast<uint32_t>(rng() % 12);
      mask.compute(m, bits, limit);
      for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        Matcher copy = m;
        const bool want = copy.accept_bytes(tokens[i]) && d.of(copy.stacks()) <= limit;
        ASSERT_EQ(bits.test(i), want) << "walk " << walk << " step " << step << " token '"
                                      << tokens[i] << "' limit " << limit;
      }
      mask.compute(m, bits);  // walk on unlimited
      std::vector<int32_t> allowed;
      for (size_t i = 0; i + 1 < tokens.size(); ++i)
        if (bits.test(i)) allowed.push_back(static_cast<int32_t>(i));
      if (allowed.empty()) break;
      ASSERT_TRUE(mask.accept_token(m, allowed[rng() % allowed.size()]));
    }
  }
}

}  // namespace
}  // namespace tandem::grammar
