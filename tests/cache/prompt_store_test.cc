// The RAM prompt store: longest-prefix lookup assembled from blocks, prompts sharing a start
// sharing its blocks (kept once), a byte budget kept by dropping the least recently used leaf
// blocks, a block that extends a partial one replacing it, NLLs merged, clear() for the guard.
#include "cache/prompt_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

namespace tandem::cache {
namespace {

constexpr size_t kRow = 4;  // bytes per position per layer, K or V
constexpr int32_t kLayers = 2;

// KV bytes encode (layer, K/V, token) so a reassembled state can be checked byte for byte.
std::shared_ptr<KvState> state(std::vector<int32_t> tokens) {
  auto s = std::make_shared<KvState>();
  s->tokens = std::move(tokens);
  const size_t n = s->tokens.size();
  s->nll.assign(n, std::nan(""));
  s->layout = "f16:2x2";
  s->n_layer = kLayers;
  s->kv.resize(n * 2 * kLayers * kRow);
  for (int32_t l = 0; l < kLayers; ++l)
    for (int kv = 0; kv < 2; ++kv)
      for (size_t p = 0; p < n; ++p)
        for (size_t b = 0; b < kRow; ++b)
          s->kv[((l * 2 + kv) * n + p) * kRow + b] =
              static_cast<uint8_t>(l * 100 + kv * 50 + s->tokens[p] + b);
  return s;
}

TEST(PromptStore, FindsTheLongestSavedPrefixWithItsExactKv) {
  PromptStore store(1 << 20, /*block=*/2);
  store.put(state({1, 2, 3, 4, 5}));
  store.put(state({1, 2, 9, 9}));
  store.put(state({6, 7}));
  const std::vector<int32_t> prompt = {1, 2, 3, 4, 8};
  const auto m = store.match(prompt);
  ASSERT_TRUE(m.state);
  EXPECT_EQ(m.common, 4);
  EXPECT_EQ(m.state->tokens, (std::vector<int32_t>{1, 2, 3, 4}));
  EXPECT_EQ(m.state->kv, state({1, 2, 3, 4})->kv);  // reassembled from two blocks
  EXPECT_EQ(m.state->n_layer, kLayers);
  EXPECT_FALSE(store.match(std::vector<int32_t>{8, 8}).state);
  store.used(m.state.get());
  EXPECT_EQ(store.stats().hits, 1);
  // A partial block: the prompt parts from the saved tokens inside it.
  EXPECT_EQ(store.match(std::vector<int32_t>{1, 2, 3, 7}).common, 3);
}

TEST(PromptStore, PromptsSharingAStartShareItsBlocks) {
  PromptStore store(1 << 20, 4);
  const auto a = state({1, 2, 3, 4, 5, 6, 7, 8, 10, 11});
  const auto b = state({1, 2, 3, 4, 5, 6, 7, 8, 20, 21});
  store.put(a);
  const uint64_t one = store.stats().bytes;
  store.put(b);
  const auto s = store.stats();
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.blocks, 4u);  // two shared, one tail each
  EXPECT_LT(s.bytes, 2 * one);
  EXPECT_EQ(store.match(b->tokens).state->kv, b->kv);
  EXPECT_EQ(store.match(a->tokens).state->kv, a->kv);
}

TEST(PromptStore, KeepsItsBudgetByDroppingTheLeastRecentlyUsed) {
  PromptStore probe(1 << 20, 8);
  probe.put(state({1, 2}));
  const uint64_t each = probe.stats().bytes;
  PromptStore store(3 * each, 8);
  store.put(state({1, 2}));
  store.put(state({3, 4}));
  store.put(state({5, 6}));
  store.used(store.match(std::vector<int32_t>{1, 2}).state.get());  // {1,2} is now the newest
  store.put(state({7, 8}));                                         // {3,4} goes
  EXPECT_TRUE(store.match(std::vector<int32_t>{1, 2}).state);
  EXPECT_FALSE(store.match(std::vector<int32_t>{3, 4}).state);
  EXPECT_TRUE(store.match(std::vector<int32_t>{7, 8}).state);
  const auto s = store.stats();
  EXPECT_EQ(s.entries, 3u);
  EXPECT_LE(s.bytes, s.budget);
  EXPECT_EQ(s.evictions, 1);
  // Larger than the whole budget: not kept, nothing else dropped.
  store.put(state(std::vector<int32_t>(64, 9)));
  EXPECT_EQ(store.stats().entries, 3u);
  EXPECT_EQ(store.clear(), 3 * each);
  EXPECT_EQ(store.stats().bytes, 0u);
  EXPECT_EQ(store.stats().evictions, 4);
}

TEST(PromptStore, ABlockThatExtendsAPartialOneReplacesItAndNllsAreMerged) {
  PromptStore store(1 << 20, 4);
  store.put(state({1, 2}));
  store.put(state({1, 2, 3}));  // extends the partial block {1, 2}
  EXPECT_EQ(store.stats().blocks, 1u);
  store.put(state({1, 2}));  // covered by {1, 2, 3}: not kept again
  EXPECT_EQ(store.stats().blocks, 1u);
  auto scored = state({1, 2, 3});
  scored->nll = {std::nan(""), 0.5, 0.25};
  store.put(scored);  // the same tokens: its NLLs fill the kept block's unknown ones
  const auto m = store.match(std::vector<int32_t>{1, 2, 3, 4});
  EXPECT_EQ(m.common, 3);
  EXPECT_EQ(m.state->nll[1], 0.5);
  EXPECT_EQ(m.state->nll[2], 0.25);
  // Ranked by what a scored prompt can really use.
  const auto r = store.match(std::vector<int32_t>{1, 2, 3, 4},
                             [](const KvState&, int32_t common) { return common - 1; });
  EXPECT_EQ(r.common, 2);
}

}  // namespace
}  // namespace tandem::cache
