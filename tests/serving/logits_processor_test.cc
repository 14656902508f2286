// The scheduler's LogitsProcessor seam on the real stories260K model: a sequence's processor
// masks only that sequence's logits, sees every sampled token, and ends it when done().
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <set>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "http/metrics.h"
#include "serving/scheduler.h"
#include "support/paths.h"

namespace tandem::serving {
namespace {

// Allows only `allowed`; done after `n_done` tokens. Records what it was shown.
class OnlyThese final : public engine::LogitsProcessor {
 public:
  OnlyThese(std::set<TokenId> allowed, int n_done, std::vector<TokenId>* seen)
      : allowed_(std::move(allowed)), n_done_(n_done), seen_(seen) {}
  void apply(std::span<float> logits) override {
    for (size_t i = 0; i < logits.size(); ++i)
      if (!allowed_.count(static_cast<TokenId>(i)))
        logits[i] = -std::numeric_limits<float>::infinity();
  }
  void accept(TokenId id) override { seen_->push_back(id); }
  bool done() const override { return static_cast<int>(seen_->size()) >= n_done_; }

 private:
  std::set<TokenId> allowed_;
  int n_done_;
  std::vector<TokenId>* seen_;
};

struct Output {
  std::vector<TokenId> ids;
  FinishReason finish = FinishReason::kNone;
};

Output drain(SeqStream& s) {
  Output r;
  for (;;) {
    auto u = s.next();
    for (auto& t : u.tokens) r.ids.push_back(t.id);
    if (u.finish != FinishReason::kNone) {
      r.finish = u.finish;
      return r;
    }
  }
}

class LogitsProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = engine::Model::load(test::stories("stories260K-f32.gguf"));
    tf_ = std::make_unique<engine::Transformer>(*model_, 1);
    SchedulerOptions o;
    o.n_slots = 3;
    o.n_ctx = 256;
    sched_ = std::make_unique<Scheduler>(*tf_, o, metrics_);
  }
  SeqRequest request(uint64_t seed) const {
    SeqRequest r;
    r.prompt = model_->tokenizer().encode("Once upon a time", true, false);
    r.sampling.temperature = 1.0f;
    r.sampling.seed = seed;
    r.max_tokens = 40;
    return r;
  }

  std::unique_ptr<engine::Model> model_;
  std::unique_ptr<engine::Transformer> tf_;
  http::Metrics metrics_;
  std::unique_ptr<Scheduler> sched_;
};

TEST_F(LogitsProcessorTest, EachSequenceFollowsItsOwnProcessorInOneBatch) {
  const std::set<TokenId> a = {300, 301, 302}, b = {400, 401};
  std::vector<TokenId> seen_a, seen_b;
  SeqRequest ra = request(1), rb = request(2), rc = request(3);
  ra.processor = std::make_unique<OnlyThese>(a, 5, &seen_a);
  rb.processor = std::make_unique<OnlyThese>(b, 1000, &seen_b);
  rb.max_tokens = 12;
  // Submitted together: they share forwards (continuous batching) but not masks.
  auto sa = sched_->submit(std::move(ra));
  auto sb = sched_->submit(std::move(rb));
  auto sc = sched_->submit(std::move(rc));
  const Output ya = drain(*sa), yb = drain(*sb), yc = drain(*sc);

  EXPECT_EQ(ya.finish, FinishReason::kStop);  // done() after 5 tokens
  ASSERT_EQ(ya.ids.size(), 5u);
  EXPECT_EQ(ya.ids, seen_a);  // accept() saw exactly the emitted tokens
  for (TokenId t : ya.ids) EXPECT_TRUE(a.count(t)) << t;

  EXPECT_EQ(yb.finish, FinishReason::kLength);
  ASSERT_EQ(yb.ids.size(), 12u);
  EXPECT_EQ(yb.ids, seen_b);
  for (TokenId t : yb.ids) EXPECT_TRUE(b.count(t)) << t;

  // The unconstrained neighbour is not confined to either set.
  ASSERT_FALSE(yc.ids.empty());
  EXPECT_TRUE(std::any_of(yc.ids.begin(), yc.ids.end(),
                          [&](TokenId t) { return !a.count(t) && !b.count(t); }));
}

TEST_F(LogitsProcessorTest, AnUnconstrainedRunIsUnchangedByANeighboursProcessor) {
  const Output alone = drain(*sched_->submit(request(7)));
  std::vector<TokenId> seen;
  SeqRequest constrained = request(8);
  constrained.processor = std::make_unique<OnlyThese>(std::set<TokenId>{300}, 1000, &seen);
  auto sc = sched_->submit(std::move(constrained));
  const Output beside = drain(*sched_->submit(request(7)));
  drain(*sc);
  EXPECT_EQ(alone.ids, beside.ids);
}

// A processor that rejects every token ends its sequence with an error, not a hang.
TEST_F(LogitsProcessorTest, NoAllowedTokenIsAnError) {
  std::vector<TokenId> seen;
  SeqRequest r = request(1);
  r.processor = std::make_unique<OnlyThese>(std::set<TokenId>{}, 1000, &seen);
  EXPECT_EQ(drain(*sched_->submit(std::move(r))).finish, FinishReason::kError);
}

}  // namespace
}  // namespace tandem::serving
