// A bounded KV cache (engine/kv_budget.h) on the real stories260K model: what each policy
// keeps, that the kept entries are the right positions' keys, that a budget never reached
// changes nothing, and that rollback and prefix reuse respect what was evicted.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "engine/kv_budget.h"
#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/transformer.h"
#include "support/paths.h"

namespace tandem::engine {
namespace {

std::vector<int32_t> range(int32_t a, int32_t b) {
  std::vector<int32_t> v;
  for (int32_t i = a; i < b; ++i) v.push_back(i);
  return v;
}

TEST(KvBudgetSelect, WindowAndSinksKeepRecentAndLeading) {
  KvBudget b{.tokens = 10, .policy = KvPolicy::kWindow};
  EXPECT_EQ(select_kept(b, 25, {}), range(15, 25));
  EXPECT_EQ(select_kept(b, 7, {}), range(0, 7));  // within the budget: all
  b.policy = KvPolicy::kSinks;
  b.sinks = 3;
  auto want = range(0, 3);
  for (int32_t i : range(18, 25)) want.push_back(i);
  EXPECT_EQ(select_kept(b, 25, {}), want);
}

TEST(KvBudgetSelect, H2oKeepsHeavyHittersAndTheRecentHalf) {
  KvBudget b{.tokens = 8, .policy = KvPolicy::kH2o};
  std::vector<float> score(20, 0.1f);
  score[2] = 5;
  score[9] = 3;
  score[11] = 4;
  score[0] = 2;
  score[17] = 100;  // recent anyway
  EXPECT_EQ(select_kept(b, 20, score), (std::vector<int32_t>{0, 2, 9, 11, 16, 17, 18, 19}));
}

TEST(KvBudgetSelect, SnapKvPoolsNeighbours) {
  KvBudget b{.tokens = 6, .policy = KvPolicy::kSnapKv, .window = 3, .pool = 3};
  std::vector<float> score(12, 0.0f);
  // One sharp peak at 2 and a broad ridge at 6..8 (pooled, the ridge's middle wins).
  score[2] = 1.0f;
  score[6] = score[7] = score[8] = 0.6f;
  const auto keep = select_kept(b, 12, score);
  EXPECT_EQ(keep, (std::vector<int32_t>{6, 7, 8, 9, 10, 11}));
}

TEST(KvBudgetSelect, BadOptionsAreRefused) {
  EXPECT_THROW(parse_kv_policy("lru"), std::invalid_argument);
  EXPECT_EQ(parse_kv_policy("h2o"), KvPolicy::kH2o);
  EXPECT_THROW((KvBudget{.tokens = 4}.validate()), std::invalid_argument);
  EXPECT_THROW((KvBudget{.tokens = -1}.validate()), std::invalid_argument);
  EXPECT_NO_THROW((KvBudget{}.validate()));
}

class KvBudgetModel : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = Model::load(test::stories("stories260K-f32.gguf"));
    tf_ = std::make_unique<Transformer>(*model_, 2);
  }
  // Greedy decoding from a prompt, one token per forward; the tokens and last logits.
  std::vector<TokenId> greedy(KvCache& cache, int n_new, std::vector<float>* last = nullptr) {
    auto toks =
        model_->tokenizer().encode("Once upon a time, there was a little girl", true, false);
    Batch b = Batch::sequence(toks, 0, 0, false);
    b.want_logits.back() = 1;
    auto logits = tf_->forward(b, cache);
    for (int i = 0; i < n_new; ++i) {
      const auto next =
          static_cast<TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      toks.push_back(next);
      Batch one;
      one.add(next, static_cast<int32_t>(toks.size()) - 1, 0, true);
      logits = tf_->forward(one, cache);
    }
    if (last) last->assign(logits.begin(), logits.end());
    return toks;
  }
  // The same tokens, one per forward (a budgeted cache would decode others).
  void feed(KvCache& cache, std::span<const TokenId> toks) {
    for (size_t i = 0; i < toks.size(); ++i) {
      Batch one;
      one.add(toks[i], static_cast<int32_t>(i), 0, true);
      tf_->forward(one, cache);
    }
  }
  std::unique_ptr<Model> model_;
  std::unique_ptr<Transformer> tf_;
};

TEST_F(KvBudgetModel, BudgetNeverReachedChangesNothing) {
  for (auto policy : {KvPolicy::kWindow, KvPolicy::kSinks, KvPolicy::kH2o, KvPolicy::kSnapKv}) {
    KvCache full = tf_->make_cache(512, 1, model::GgmlType::F32);
    KvCache bounded =
        tf_->make_cache(512, 1, model::GgmlType::F32, {.tokens = 200, .policy = policy});
    std::vector<float> a, b;
    EXPECT_EQ(greedy(full, 120, &a), greedy(bounded, 120, &b)) << kv_policy_name(policy);
    EXPECT_EQ(a, b) << kv_policy_name(policy);
    EXPECT_EQ(bounded.evicted(), 0);
    EXPECT_LT(bounded.capacity(), 512 + 1);
  }
}

// Layer 0's keys depend only on a token and its position: the kept entries must be the full
// cache's rows of the positions each policy keeps.
TEST_F(KvBudgetModel, KeptEntriesAreTheRightPositions) {
  const auto& c = model_->config();
  for (auto policy : {KvPolicy::kWindow, KvPolicy::kSinks, KvPolicy::kH2o, KvPolicy::kSnapKv}) {
    KvCache full = tf_->make_cache(512, 1, model::GgmlType::F32);
    KvBudget budget{.tokens = 32, .policy = policy, .window = 8};
    KvCache bounded = tf_->make_cache(512, 1, model::GgmlType::F32, budget);
    feed(bounded, greedy(full, 90));
    const int32_t len = full.seq_len(0);
    ASSERT_EQ(bounded.seq_len(0), len);
    ASSERT_EQ(bounded.n_cells(0), 32) << kv_policy_name(policy);
    EXPECT_EQ(bounded.evicted(), len - 32);
    const size_t row = static_cast<size_t>(c.head_dim) * sizeof(float);
    for (int64_t h = 0; h < c.n_head_kv; ++h) {
      const auto fv = full.head(0, 0, h), bv = bounded.head(0, 0, h);
      // Each kept cell is some position's row, in increasing position order.
      int32_t pos = 0;
      for (int32_t cell = 0; cell < 32; ++cell) {
        while (pos < len && std::memcmp(bv.k + cell * bv.stride, fv.k + pos * fv.stride, row))
          ++pos;
        ASSERT_LT(pos, len) << kv_policy_name(policy) << " cell " << cell;
        ++pos;
      }
      // The most recent budget.recent() cells are the last positions, in place.
      const int32_t recent = budget.recent();
      for (int32_t i = 0; i < recent; ++i)
        EXPECT_EQ(0, std::memcmp(bv.k + (32 - recent + i) * bv.stride,
                                 fv.k + (len - recent + i) * fv.stride, row))
            << kv_policy_name(policy);
      if (policy == KvPolicy::kSinks)  // the sinks: positions 0..3
        EXPECT_EQ(0, std::memcmp(bv.k, fv.k, row));
    }
  }
}

TEST_F(KvBudgetModel, RollbackWithinTheRecentEntriesAndPrefixReuse) {
  KvCache cache =
      tf_->make_cache(512, 1, model::GgmlType::F32, {.tokens = 32, .policy = KvPolicy::kSinks});
  std::vector<float> first;
  const auto toks = greedy(cache, 60, &first);
  const int32_t len = cache.seq_len(0);
  EXPECT_EQ(cache.exact_len(0), 4);  // the sinks are positions 0..3 still
  // A rejected draft: back 3 positions and evaluate the same tokens again.
  cache.truncate(0, len - 3);
  Batch b;
  for (int32_t p = len - 3; p < len; ++p) b.add(toks[static_cast<size_t>(p)], p, 0, p == len - 1);
  // (the last token's logits were computed at position len - 1 before)
  const auto again = tf_->forward(b, cache);
  Batch one;
  one.add(toks.back(), len - 1, 0, true);
  EXPECT_EQ(cache.seq_len(0), len);
  // Positions between the sinks and the recent entries are partly gone: no way back there.
  EXPECT_THROW(cache.truncate(0, 10), std::out_of_range);
  Batch rewind;
  rewind.add(toks[10], 10, 0, true);
  EXPECT_THROW(tf_->forward(rewind, cache), std::invalid_argument);
  // Back to the intact prefix: a plain cache of 3 positions again.
  cache.truncate(0, 3);
  EXPECT_EQ(cache.n_cells(0), 3);
  EXPECT_EQ(cache.exact_len(0), 3);
  EXPECT_THROW(cache.save(0, 4), std::out_of_range);
  (void)again;
}

TEST_F(KvBudgetModel, APromptChunkLargerThanTheHeadroomMakesRoomFirst) {
  KvCache cache = tf_->make_cache(512, 1, model::GgmlType::F32,
                                  {.tokens = 16, .policy = KvPolicy::kH2o, .headroom = 24});
  EXPECT_EQ(cache.capacity(), 40);
  auto toks = model_->tokenizer().encode("Once upon a time, there was a little girl named Lily",
                                         true, false);
  while (toks.size() < 100) toks.insert(toks.end(), toks.begin() + 1, toks.begin() + 10);
  Batch first = Batch::sequence(std::span(toks).first(30), 0, 0, true);
  tf_->forward(first, cache);
  EXPECT_EQ(cache.n_cells(0), 16);
  Batch second = Batch::sequence(std::span(toks).subspan(30, 24), 30, 0, true);
  const auto logits = tf_->forward(second, cache);
  for (float x : logits) ASSERT_TRUE(std::isfinite(x));
  EXPECT_EQ(cache.seq_len(0), 54);
  EXPECT_EQ(cache.n_cells(0), 16);
  Batch too_big = Batch::sequence(std::span(toks).subspan(54, 36), 54, 0, true);
  EXPECT_THROW(tf_->forward(too_big, cache), std::invalid_argument);  // 36 > 40 - 8
}

TEST_F(KvBudgetModel, LoweredBudgetEvictsOnTheNextForward) {
  KvCache cache =
      tf_->make_cache(512, 1, model::GgmlType::F16, {.tokens = 64, .policy = KvPolicy::kSinks});
  greedy(cache, 80);
  EXPECT_EQ(cache.n_cells(0), 64);
  cache.set_budget_tokens(16);
  EXPECT_EQ(cache.budget_tokens(), 16);
  Batch one;
  one.add(5, cache.seq_len(0), 0, true);
  tf_->forward(one, cache);
  EXPECT_EQ(cache.n_cells(0), 16);
  cache.set_budget_tokens(1000);  // never above the budget it was made with
  EXPECT_EQ(cache.budget_tokens(), 64);
}

}  // namespace
}  // namespace tandem::engine
