// A scheduler with a KV budget on the real stories260K model: a sequence generates far past
// its budget (positions run on, entries stay bounded), a budget never reached gives the same
// tokens as none, a later request reuses only what was never evicted, /metrics shows the KV
// bytes per slot and the evictions, and the memory guard's evictor halves the budget.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "http/metrics.h"
#include "serving/scheduler.h"
#include "support/paths.h"
#include "support/scheduler_run.h"

namespace tandem::serving {
namespace {

class KvBudgetServing : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = engine::Model::load(test::stories("stories260K-f32.gguf"));
    tf_ = std::make_unique<engine::Transformer>(*model_, 2);
    prompt_ = model_->tokenizer().encode("Once upon a time, there was a little dog named Max", true,
                                         false);
  }
  std::unique_ptr<Scheduler> make(int32_t budget, engine::KvPolicy policy) {
    SchedulerOptions o;
    o.n_slots = 2;
    o.n_ctx = 512;
    o.max_batch = 64;
    o.kv_budget.tokens = budget;
    o.kv_budget.policy = policy;
    return std::make_unique<Scheduler>(*tf_, o, metrics_);
  }
  std::unique_ptr<engine::Model> model_;
  std::unique_ptr<engine::Transformer> tf_;
  std::vector<TokenId> prompt_;
  http::Metrics metrics_;
};

TEST_F(KvBudgetServing, GeneratesPastTheBudgetWithBoundedEntries) {
  auto s = make(32, engine::KvPolicy::kSinks);
  const auto run = test::run_greedy(*s, prompt_, 300);
  EXPECT_GT(run.ids.size(), 100u);  // far past the budget (the story may end before 300)
  const std::string m = metrics_.render();
  EXPECT_NE(m.find("tandem_kv_budget_tokens 32"), std::string::npos) << m;
  // 2 bytes x 2 (K, V) x 5 layers x 128 (kv_dim) per entry: 32 entries = 81920 bytes.
  const size_t pb = 2 * 2 * model_->config().n_layer * model_->config().kv_dim();
  EXPECT_NE(m.find("tandem_kv_bytes{slot=\"0\"} " + std::to_string(32 * pb)), std::string::npos)
      << m;
  EXPECT_NE(m.find("tandem_kv_evicted_total "), std::string::npos);
  EXPECT_EQ(m.find("tandem_kv_evicted_total 0\n"), std::string::npos);
}

TEST_F(KvBudgetServing, ABudgetNeverReachedChangesNoToken) {
  auto bounded = make(200, engine::KvPolicy::kH2o);
  auto plain = make(0, engine::KvPolicy::kSinks);
  EXPECT_EQ(test::run_greedy(*bounded, prompt_, 100).ids,
            test::run_greedy(*plain, prompt_, 100).ids);
}

TEST_F(KvBudgetServing, PrefixReuseStopsWhereEvictionBegan) {
  auto s = make(32, engine::KvPolicy::kWindow);
  std::vector<TokenId> longer = prompt_;
  const auto first = test::run_greedy(*s, prompt_, 60);
  longer.insert(longer.end(), first.ids.begin(), first.ids.end());
  // The window evicted position 0 onwards: nothing of the first conversation can be reused,
  // and the answer is the one a fresh scheduler gives.
  const auto again = test::run_greedy(*s, longer, 10);
  EXPECT_EQ(again.cached, 0);
  auto fresh = make(32, engine::KvPolicy::kWindow);
  EXPECT_EQ(again.ids, test::run_greedy(*fresh, longer, 10).ids);
  // A short request stays within the budget: its successor reuses it.
  const std::vector<TokenId> head(prompt_.begin(), prompt_.begin() + 8);
  test::run_greedy(*s, head, 4);
  std::vector<TokenId> more = head;
  more.push_back(prompt_[8]);
  EXPECT_GT(test::run_greedy(*s, more, 4).cached, 0);
}

TEST_F(KvBudgetServing, TheMemoryGuardHalvesTheBudgetDownToAQuarter) {
  auto s = make(128, engine::KvPolicy::kSinks);
  EXPECT_GE(s->lower_kv_budget(), 0u);
  test::run_greedy(*s, prompt_, 4);  // a step publishes the gauges
  EXPECT_NE(metrics_.render().find("tandem_kv_budget_tokens 64"), std::string::npos);
  s->lower_kv_budget();
  EXPECT_EQ(s->lower_kv_budget(), 0u);  // at the floor (32) already
  test::run_greedy(*s, prompt_, 4);
  EXPECT_NE(metrics_.render().find("tandem_kv_budget_tokens 32"), std::string::npos);
  auto none = make(0, engine::KvPolicy::kSinks);
  EXPECT_EQ(none->lower_kv_budget(), 0u);
}

}  // namespace
}  // namespace tandem::serving
