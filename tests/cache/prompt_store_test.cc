// The RAM prompt store: longest-prefix lookup, a byte budget kept by dropping the least
// recently used states, states that extend others replacing them, clear() for the guard.
#include "cache/prompt_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace tandem::cache {
namespace {

std::shared_ptr<KvState> state(std::vector<int32_t> tokens, size_t kv_bytes = 1000) {
  auto s = std::make_shared<KvState>();
  s->tokens = std::move(tokens);
  s->kv.assign(kv_bytes, 7);
  s->layout = "f16:1x8";
  return s;
}

TEST(PromptStore, FindsTheStateSharingTheLongestPrefix) {
  PromptStore store(1 << 20);
  store.put(state({1, 2, 3, 4}));
  store.put(state({1, 2, 9, 9, 9}));
  store.put(state({5, 6}));
  const std::vector<int32_t> prompt = {1, 2, 3, 4, 5};
  const auto m = store.match(prompt);
  ASSERT_TRUE(m.state);
  EXPECT_EQ(m.common, 4);
  EXPECT_EQ(m.state->tokens, (std::vector<int32_t>{1, 2, 3, 4}));
  EXPECT_FALSE(store.match(std::vector<int32_t>{8, 8}).state);
  store.used(m.state.get());
  EXPECT_EQ(store.stats().hits, 1);
}

TEST(PromptStore, KeepsItsBudgetByDroppingTheLeastRecentlyUsed) {
  const size_t each = state({1}, 1000)->bytes();
  PromptStore store(3 * each);
  store.put(state({1}));
  store.put(state({2}));
  store.put(state({3}));
  store.used(store.match(std::vector<int32_t>{1}).state.get());  // {1} is now the newest
  store.put(state({4}));                                         // {2} goes
  EXPECT_TRUE(store.match(std::vector<int32_t>{1}).state);
  EXPECT_FALSE(store.match(std::vector<int32_t>{2}).state);
  EXPECT_TRUE(store.match(std::vector<int32_t>{4}).state);
  const auto s = store.stats();
  EXPECT_EQ(s.entries, 3u);
  EXPECT_LE(s.bytes, s.budget);
  EXPECT_EQ(s.evictions, 1);
  // Larger than the whole budget: not kept, nothing else dropped.
  store.put(state({9}, 10 * each));
  EXPECT_EQ(store.stats().entries, 3u);
  EXPECT_EQ(store.clear(), 3 * each);
  EXPECT_EQ(store.stats().bytes, 0u);
  EXPECT_EQ(store.stats().evictions, 4);
}

TEST(PromptStore, AStateThatExtendsAnotherReplacesIt) {
  PromptStore store(1 << 20);
  store.put(state({1, 2}));
  store.put(state({1, 2, 3}));  // extends {1, 2}
  EXPECT_EQ(store.stats().entries, 1u);
  store.put(state({1, 2}));  // covered by {1, 2, 3}: not kept again
  EXPECT_EQ(store.stats().entries, 1u);
  auto again = state({1, 2, 3});
  store.put(again);  // the same tokens: the newer state replaces the kept one
  EXPECT_EQ(store.stats().entries, 1u);
  EXPECT_EQ(store.match(std::vector<int32_t>{1, 2, 3}).state, again);
  EXPECT_EQ(store.match(std::vector<int32_t>{1, 2, 3, 4}).common, 3);
}

}  // namespace
}  // namespace tandem::cache
