// The prompt caches beyond the slots, on the real stories260K model: with one slot, an
// unrelated request overwrites the slot, yet the first prompt's KV comes back from the RAM
// prompt store (--cache-ram) and from a named feature-cache entry; in every case the tokens
// (and scored NLLs) are exactly those of a scheduler that caches nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include "cache/feature_cache.h"
#include "cache/prompt_store.h"
#include "engine/model.h"
#include "engine/transformer.h"
#include "http/metrics.h"
#include "serving/scheduler.h"
#include "support/paths.h"
#include "support/scheduler_run.h"

namespace tandem::serving {
namespace {

class StoredPrefix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = engine::Model::load(test::stories("stories260K-f32.gguf"));
  }
  static void TearDownTestSuite() { model_.reset(); }
  std::unique_ptr<Scheduler> make(cache::PromptStore* store, cache::FeatureCache* features,
                                  bool reuse = true) {
    tfs_.push_back(std::make_unique<engine::Transformer>(*model_, 1));
    SchedulerOptions o;
    o.n_slots = 1;
    o.n_ctx = 256;
    o.prefix_reuse = reuse;
    o.prompt_store = store;
    o.feature_cache = features;
    return std::make_unique<Scheduler>(*tfs_.back(), o, metrics_);
  }
  cache::FeatureCacheOptions feature_options(const std::filesystem::path& dir) {
    cache::FeatureCacheOptions fo;
    fo.dir = dir;
    fo.model_key = "stories260K";
    fo.layout = tfs_.empty() ? engine::Transformer(*model_, 1).make_cache(1, 1).layout()
                             : tfs_.front()->make_cache(1, 1).layout();
    return fo;
  }
  static std::vector<TokenId> tokens(const std::string& text) {
    return model_->tokenizer().encode(text, true, false);
  }
  using Result = test::SchedulerRun;
  static Result run(Scheduler& s, const std::vector<TokenId>& prompt, cache::CacheDirective d = {},
                    bool score = false) {
    return test::run_greedy(s, prompt, 20, score, std::move(d));
  }
  static std::unique_ptr<engine::Model> model_;
  std::vector<std::unique_ptr<engine::Transformer>> tfs_;
  http::Metrics metrics_;
};
std::unique_ptr<engine::Model> StoredPrefix::model_;

const char* kSystem =
    "Once upon a time, there was a little girl who lived in a small house near the woods. "
    "She had a red ball and a big brown dog. Every day they played in the garden.";

size_t common(const std::vector<TokenId>& a, const std::vector<TokenId>& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

TEST_F(StoredPrefix, TheRamStoreBringsBackAnOverwrittenSlot) {
  cache::PromptStore store(64 << 20);
  auto cached = make(&store, nullptr), plain = make(nullptr, nullptr, false);
  const auto first = tokens(std::string(kSystem) + " One day the dog");
  const auto other = tokens("Tom liked to fly his kite on windy days with his friends.");
  const auto second = tokens(std::string(kSystem) + " The girl was sad because");
  run(*cached, first);
  run(*cached, other);  // the one slot now holds `other`; `first` went to the store
  EXPECT_EQ(store.stats().entries, 1u);
  const auto a = run(*cached, second);
  EXPECT_EQ(a.cached, static_cast<int64_t>(common(first, second)));
  EXPECT_GT(a.cached, 30);
  EXPECT_EQ(store.stats().hits, 1);
  EXPECT_EQ(a.ids, run(*plain, second).ids);
  // Scored prompts (the Dispatcher's routing perplexity) get the same NLL from the store,
  // when the saved state was scored too.
  run(*cached, first, {}, /*score=*/true);
  run(*cached, other);
  const auto s = run(*cached, second, {}, /*score=*/true);
  EXPECT_GT(s.cached, 30);
  const auto want = run(*plain, second, {}, true);
  EXPECT_NEAR(s.score.nll_sum, want.score.nll_sum, 1e-9 * std::abs(want.score.nll_sum));
  EXPECT_EQ(s.ids, want.ids);
}

TEST_F(StoredPrefix, ANamedEntryIsStoredOnceAndReusedAfterARestart) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "stored_prefix_named";
  std::filesystem::remove_all(dir);
  auto plain = make(nullptr, nullptr, false);
  const auto first = tokens(std::string(kSystem) + " One day the dog");
  const auto other = tokens("Tom liked to fly his kite on windy days with his friends.");
  const auto second = tokens(std::string(kSystem) + " The girl was sad because");
  cache::CacheDirective d;
  d.id = "garden story";
  d.tags = {"story"};
  {
    cache::FeatureCache features(feature_options(dir));
    auto sched = make(nullptr, &features);
    EXPECT_EQ(run(*sched, first, d).cached, 0);  // not there yet: stored once prefilled
    ASSERT_EQ(features.list().size(), 1u);
    EXPECT_EQ(features.list()[0].n_tokens, static_cast<int32_t>(first.size()));
    run(*sched, other);
    const auto a = run(*sched, second, d);
    EXPECT_EQ(a.cached, static_cast<int64_t>(common(first, second)));
    EXPECT_EQ(a.ids, run(*plain, second).ids);
  }
  // A new server over the same directory: the entry is read back from disk when named.
  cache::FeatureCache features(feature_options(dir));
  auto sched = make(nullptr, &features);
  cache::CacheDirective by_tag;
  by_tag.tags = {"story"};
  const auto b = run(*sched, second, by_tag);
  EXPECT_EQ(b.cached, static_cast<int64_t>(common(first, second)));
  EXPECT_EQ(b.ids, run(*plain, second).ids);
  EXPECT_EQ(features.list()[0].hits, 1);
}

}  // namespace
}  // namespace tandem::serving
