// A held prefill (SeqRequest::hold_after_prefill) on the real stories260K model: the score is
// the prompt's NLL from the same logits a one-shot forward gives, the slot stays out of
// every batch while held, a resume generates exactly what an unheld request would, and a
// cancel frees the held slot at once (no other traffic needed to wake the scheduler).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "engine/batch.h"
#include "engine/model.h"
#include "engine/perplexity.h"
#include "engine/transformer.h"
#include "http/metrics.h"
#include "serving/scheduler.h"
#include "support/paths.h"

namespace tandem::serving {
namespace {

std::vector<TokenId> drain(SeqStream& s, FinishReason* finish = nullptr) {
  std::vector<TokenId> ids;
  for (;;) {
    auto u = s.next();
    for (auto& t : u.tokens) ids.push_back(t.id);
    if (u.finish != FinishReason::kNone) {
      if (finish) *finish = u.finish;
      return ids;
    }
  }
}

class HeldPrefill : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = engine::Model::load(test::stories("stories260K-f32.gguf"));
    tf_ = std::make_unique<engine::Transformer>(*model_, 1);
    SchedulerOptions o;
    o.n_slots = 1;  // one slot: a held sequence that were not freed would block the next
    o.n_ctx = 256;
    o.max_queue = 4;
    sched_ = std::make_unique<Scheduler>(*tf_, o, metrics_);
    prompt_ = model_->tokenizer().encode("Once upon a time, there was a little girl", true, false);
  }
  SeqRequest held() const {
    SeqRequest r;
    r.prompt = prompt_;
    r.score_prompt = true;
    r.hold_after_prefill = true;
    return r;
  }
  SeqRequest greedy(int64_t n) const {
    SeqRequest r;
    r.prompt = prompt_;
    r.sampling.temperature = 0;
    r.max_tokens = n;
    return r;
  }

  std::unique_ptr<engine::Model> model_;
  std::unique_ptr<engine::Transformer> tf_;
  http::Metrics metrics_;
  std::unique_ptr<Scheduler> sched_;
  std::vector<TokenId> prompt_;
};

TEST_F(HeldPrefill, ScoreIsThePromptNllOfOneForward) {
  auto st = sched_->submit(held());
  const auto score = st->wait_prefilled();
  ASSERT_TRUE(score);
  // The reference: one forward over the whole prompt with every row's logits.
  engine::Transformer ref_tf(*model_, 1);
  auto cache = ref_tf.make_cache(256, 1);
  const auto logits =
      ref_tf.forward(engine::Batch::sequence(prompt_, 0, 0, /*all_logits=*/true), cache);
  const size_t v = static_cast<size_t>(model_->config().n_vocab);
  double want = 0;
  for (size_t i = 1; i < prompt_.size(); ++i)
    want += engine::token_nll(logits.subspan((i - 1) * v, v), prompt_[i]);
  EXPECT_EQ(score->n_scored, static_cast<int64_t>(prompt_.size()) - 1);
  EXPECT_NEAR(score->nll_sum, want, 1e-9 * std::abs(want));
  sched_->cancel(st);
}

TEST_F(HeldPrefill, ResumeGeneratesWhatAPlainRequestDoes) {
  auto plain = sched_->submit(greedy(24));
  const auto want = drain(*plain);
  ASSERT_EQ(want.size(), 24u);

  auto st = sched_->submit(held());
  ASSERT_TRUE(st->wait_prefilled());
  // Held: nothing is generated until resumed.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  sched_->resume(st, greedy(24));
  FinishReason finish{};
  EXPECT_EQ(drain(*st, &finish), want);
  EXPECT_EQ(finish, FinishReason::kLength);
}

TEST_F(HeldPrefill, ResumeWithNoTokensEndsAtOnce) {
  auto st = sched_->submit(held());
  ASSERT_TRUE(st->wait_prefilled());
  sched_->resume(st, greedy(0));
  FinishReason finish{};
  EXPECT_TRUE(drain(*st, &finish).empty());
  EXPECT_EQ(finish, FinishReason::kLength);
}

TEST_F(HeldPrefill, CancelFreesTheHeldSlotAtOnce) {
  auto st = sched_->submit(held());
  ASSERT_TRUE(st->wait_prefilled());
  // The only slot is held: the next request waits in the queue.
  auto next = std::async(std::launch::async, [&] { return drain(*sched_->submit(greedy(8))); });
  EXPECT_EQ(next.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  sched_->cancel(st);  // nothing else runs: the cancel itself must wake the scheduler
  ASSERT_EQ(next.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(next.get().size(), 8u);
  // Resuming what is no longer held ends it with an error instead of hanging.
  sched_->resume(st, greedy(4));
  FinishReason finish{};
  drain(*st, &finish);
  EXPECT_NE(finish, FinishReason::kNone);
}

TEST_F(HeldPrefill, AForcedRequestPassesAFullQueue) {
  auto st = sched_->submit(held());
  ASSERT_TRUE(st->wait_prefilled());
  std::vector<std::shared_ptr<SeqStream>> queued;
  for (int i = 0; i < 4; ++i) queued.push_back(sched_->submit(greedy(2)));
  EXPECT_THROW(sched_->submit(greedy(2)), QueueFull);
  auto forced = sched_->submit(greedy(2), /*may_refuse=*/false);
  EXPECT_EQ(sched_->queued(), 5u);
  sched_->cancel(st);
  for (auto& q : queued) EXPECT_EQ(drain(*q).size(), 2u);
  EXPECT_EQ(drain(*forced).size(), 2u);
}

}  // namespace
}  // namespace tandem::serving
