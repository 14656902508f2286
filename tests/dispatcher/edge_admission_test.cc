// The edge engine over the continuous-batching scheduler: sessions run side by side (the
// same greedy answers as one at a time), a routing prefill holds its slot until the answer
// starts, past the bounded queue a request is refused at once with 503 queue_full +
// Retry-After, and a failover continuation is never refused.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dispatcher/edge/edge_engine.h"
#include "engine/model.h"
#include "http/api_error.h"
#include "support/paths.h"

namespace tandem::dispatcher {
namespace {

std::unique_ptr<EdgeEngine> edge(int32_t n_slots) {
  return std::make_unique<EdgeEngine>(engine::Model::load(test::stories("stories260K-f32.gguf")), 1,
                                      128, "", n_slots);
}

void wait_for(const EdgeEngine& e, int waiting) {
  for (int i = 0; i < 2500 && e.waiting() != waiting; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(e.waiting(), waiting);
}

std::string answer(EdgeSession& s, int64_t max_tokens) {
  engine::SamplerParams greedy;
  greedy.temperature = 0;
  s.start(greedy, max_tokens, {}, false);
  std::string out;
  for (auto step = s.next();; step = s.next()) {
    out += step.delta.content;
    if (step.done) return out;
  }
}

std::string answer_after_routing(EdgeEngine& e, const std::string& prompt, int64_t max_tokens) {
  EdgeSession s(e);
  s.prefill_scored(e.encode(prompt));
  return answer(s, max_tokens);
}

const char* const kPrompts[] = {"Once upon a time",    "The little dog",     "Lily and Ben went",
                                "One day, a big bird", "Tom had a red ball", "The sun was"};

TEST(EdgeEngineBatching, ConcurrentSessionsAnswerAsSequentialOnes) {
  auto e = edge(4);
  std::vector<std::string> want;
  for (const char* p : kPrompts) want.push_back(answer_after_routing(*e, p, 24));
  std::vector<std::future<std::string>> got;
  for (const char* p : kPrompts)
    got.push_back(
        std::async(std::launch::async, [&e, p] { return answer_after_routing(*e, p, 24); }));
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].get(), want[i]) << kPrompts[i];
}

TEST(EdgeEngineBatching, AHeldRoutingPrefillIsThePromptPerplexity) {
  auto e = edge(2);
  const auto tokens = e->encode("Once upon a time, there was a little girl");
  EdgeSession s(*e);
  const auto p = s.prefill_scored(tokens);
  EXPECT_EQ(p.n_scored, static_cast<int64_t>(tokens.size()) - 1);
  auto cache = e->transformer().make_cache(128, 1);  // the scheduler is idle: s is held
  const auto want = router::prompt_perplexity(e->transformer(), cache, tokens);
  EXPECT_NEAR(p.ppl, want.ppl, 1e-9 * want.ppl);
}

TEST(EdgeAdmission, PastTheQueueARequestIsRefusedAtOnce) {
  auto e = edge(1);
  e->set_max_waiting(1);
  const auto tokens = e->encode("Once upon a time");
  std::optional<EdgeSession> busy(std::in_place, *e);
  busy->prefill_scored(tokens);  // holds the only slot
  auto queued = std::async(std::launch::async, [&] {
    EdgeSession s(*e);
    s.prefill_scored(tokens);  // waits: the queue has room for one
    return answer(s, 4);
  });
  wait_for(*e, 1);
  try {
    EdgeSession refused(*e);
    refused.prefill_scored(tokens);
    FAIL() << "a session past the queue was admitted";
  } catch (const http::ApiError& err) {
    EXPECT_EQ(err.status, 503);
    EXPECT_EQ(err.code, "queue_full");
    EXPECT_EQ(err.retry_after_s, 1);
  }
  // A failover continuation waits whatever the queue holds.
  auto failover = std::async(std::launch::async, [&] {
    EdgeSession s(*e, /*may_refuse=*/false);
    s.prefill(tokens);
    return answer(s, 4);
  });
  wait_for(*e, 2);
  busy.reset();  // frees the slot at once: both waiting requests are served
  EXPECT_FALSE(queued.get().empty());
  EXPECT_FALSE(failover.get().empty());
  EXPECT_EQ(e->waiting(), 0);
  EdgeSession again(*e);  // free again
  again.prefill_scored(tokens);
}

TEST(EdgeAdmission, ZeroMeansNoWaiting) {
  auto e = edge(1);
  e->set_max_waiting(0);
  const auto tokens = e->encode("Once upon a time");
  EdgeSession busy(*e);
  busy.prefill_scored(tokens);
  EdgeSession refused(*e);
  EXPECT_THROW(refused.prefill_scored(tokens), http::ApiError);
}

}  // namespace
}  // namespace tandem::dispatcher
