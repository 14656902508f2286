// The slot-level prefix cache on the real stories260K model: a second request sharing a
// prefix with the first prefills only the rest, reports how many tokens it reused, and gives
// exactly the tokens (and the prompt NLL) that a scheduler without reuse gives; requests
// that need every prompt row (prompt log-probabilities) reuse nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "http/metrics.h"
#include "serving/cached_prefix.h"
#include "serving/scheduler.h"
#include "support/paths.h"
#include "support/scheduler_run.h"

namespace tandem::serving {
namespace {

TEST(CachedPrefix, ReusesTheCommonPrefixButNeverTheWholePrompt) {
  CachedPrefix c;
  for (TokenId t : {1, 5, 6, 7, 8}) c.append(t);
  const std::vector<TokenId> same = {1, 5, 6, 7, 8}, longer = {1, 5, 6, 9, 9, 9}, other = {2, 5, 6};
  EXPECT_EQ(c.reusable(same, false, false), 4);  // the last token is evaluated again
  EXPECT_EQ(c.reusable(longer, false, false), 3);
  EXPECT_EQ(c.reusable(other, false, false), 0);
  EXPECT_EQ(c.reusable(longer, false, /*need_logprobs=*/true), 0);
  // Scores: no NLL known yet, so nothing can be reused for a scored prompt.
  EXPECT_EQ(c.reusable(longer, true, false), 0);
  for (int pos = 1; pos <= 4; ++pos) c.set_nll(pos, 0.5 * pos);
  // Token 3 differs, so its NLL is not the cached one: reuse stops one short of it.
  EXPECT_EQ(c.reusable(longer, true, false), 2);
  EXPECT_DOUBLE_EQ(c.nll_sum(2), 0.5 + 1.0);
  EXPECT_EQ(c.reusable(same, true, false), 4);
  // Reused for `longer` up to 3 positions: token 3 differs, so its NLL goes.
  c.reuse_for(longer, 3);
  EXPECT_EQ(c.size(), 3);
  c.append(9);
  EXPECT_EQ(c.reusable(longer, true, false), 2);
  EXPECT_THROW(c.reuse_for(other, 1), std::out_of_range);
  // Reused for the same tokens: the NLL of the next position stays (its row is not redone).
  CachedPrefix d;
  for (TokenId t : {1, 5, 6}) d.append(t);
  for (int pos = 1; pos <= 2; ++pos) d.set_nll(pos, 1.0);
  d.reuse_for(same, 2);
  EXPECT_DOUBLE_EQ(d.nll_sum(2), 2.0);
}

class PrefixReuse : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = engine::Model::load(test::stories("stories260K-f32.gguf"));
  }
  static void TearDownTestSuite() { model_.reset(); }
  std::unique_ptr<Scheduler> make(bool reuse, int32_t slots = 2) {
    tfs_.push_back(std::make_unique<engine::Transformer>(*model_, 1));
    SchedulerOptions o;
    o.n_slots = slots;
    o.n_ctx = 256;
    o.prefix_reuse = reuse;
    return std::make_unique<Scheduler>(*tfs_.back(), o, metrics_);
  }
  static std::vector<TokenId> tokens(const std::string& text) {
    return model_->tokenizer().encode(text, true, false);
  }
  using Result = test::SchedulerRun;
  static Result run(Scheduler& s, const std::vector<TokenId>& prompt, bool score = false,
                    int64_t n = 24) {
    return test::run_greedy(s, prompt, n, score);
  }
  static std::unique_ptr<engine::Model> model_;
  std::vector<std::unique_ptr<engine::Transformer>> tfs_;
  http::Metrics metrics_;
};
std::unique_ptr<engine::Model> PrefixReuse::model_;

const char* kSystem =
    "Once upon a time, there was a little girl who lived in a small house near the woods. "
    "She had a red ball and a big brown dog. Every day they played in the garden.";

TEST_F(PrefixReuse, SecondRequestPrefillsOnlyTheNewTokensAndAnswersTheSame) {
  auto cached = make(true), plain = make(false);
  const auto first = tokens(std::string(kSystem) + " One day the dog");
  const auto second = tokens(std::string(kSystem) + " The girl was sad because");
  const auto a1 = run(*cached, first);
  EXPECT_EQ(a1.cached, 0);
  const auto a2 = run(*cached, second);
  // Everything up to where the two prompts part is reused.
  size_t common = 0;
  while (common < first.size() && first[common] == second[common]) ++common;
  ASSERT_GT(common, 30u);
  EXPECT_EQ(a2.cached, static_cast<int64_t>(common));
  EXPECT_EQ(a2.ids, run(*plain, second).ids);
  EXPECT_EQ(a1.ids, run(*plain, first).ids);
  // The same prompt again: all but its last token.
  const auto a3 = run(*cached, second);
  EXPECT_EQ(a3.cached, static_cast<int64_t>(second.size()) - 1);
  EXPECT_EQ(a3.ids, a2.ids);
  // The previous answer is in the cache too: a follow-up turn that repeats it reuses it.
  auto follow = second;
  follow.insert(follow.end(), a3.ids.begin(), a3.ids.end());
  const auto more = tokens(" And then");
  follow.insert(follow.end(), more.begin() + 1, more.end());  // without its BOS
  const auto a4 = run(*cached, follow);
  EXPECT_GE(a4.cached, static_cast<int64_t>(second.size() + a3.ids.size()) - 1);
  EXPECT_EQ(a4.ids, run(*plain, follow).ids);
}

TEST_F(PrefixReuse, ScoredPromptsGetTheSameNllFromTheCache) {
  auto cached = make(true, 1), plain = make(false, 1);
  const auto first = tokens(std::string(kSystem) + " One day the dog");
  const auto second = tokens(std::string(kSystem) + " The girl was sad because");
  const auto s1 = run(*cached, first, true);
  const auto s2 = run(*cached, second, true);
  EXPECT_GT(s2.cached, 30);
  const auto want = run(*plain, second, true);
  EXPECT_EQ(s2.score.n_scored, want.score.n_scored);
  EXPECT_NEAR(s2.score.nll_sum, want.score.nll_sum, 1e-9 * std::abs(want.score.nll_sum));
  EXPECT_EQ(s2.ids, want.ids);
  // Its own answer was scored at sampling time: a follow-up reuses past it, still exact.
  auto follow = second;
  follow.insert(follow.end(), s2.ids.begin(), s2.ids.end());
  const auto s3 = run(*cached, follow, true);
  EXPECT_GE(s3.cached, static_cast<int64_t>(second.size()));
  const auto want3 = run(*plain, follow, true);
  EXPECT_NEAR(s3.score.nll_sum, want3.score.nll_sum, 1e-9 * std::abs(want3.score.nll_sum));
  (void)s1;
}

TEST_F(PrefixReuse, PromptLogprobsReuseNothing) {
  auto cached = make(true, 1);
  const auto p = tokens(kSystem);
  run(*cached, p);
  SeqRequest r;
  r.prompt = p;
  r.sampling.temperature = 0;
  r.max_tokens = 1;
  r.prompt_logprobs = true;
  auto st = cached->submit(std::move(r));
  while (st->next().finish == FinishReason::kNone) {
  }
  EXPECT_EQ(st->cached_tokens(), 0);
  EXPECT_EQ(st->prompt_logprobs().size(), p.size() - 1);
}

}  // namespace
}  // namespace tandem::serving
