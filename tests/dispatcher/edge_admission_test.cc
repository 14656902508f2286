// The edge engine's bounded queue: one session uses the engine, up to --queue-max wait, the
// next is refused at once with 503 queue_full + Retry-After; a failover continuation is never
// refused.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "dispatcher/edge/edge_engine.h"
#include "engine/model.h"
#include "http/api_error.h"
#include "support/paths.h"

namespace tandem::dispatcher {
namespace {

std::unique_ptr<EdgeEngine> edge() {
  return std::make_unique<EdgeEngine>(engine::Model::load(test::stories("stories260K-f32.gguf")), 1,
                                      128, "");
}

void wait_for(const EdgeEngine& e, int waiting) {
  for (int i = 0; i < 500 && e.waiting() != waiting; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(e.waiting(), waiting);
}

TEST(EdgeAdmission, PastTheQueueARequestIsRefusedAtOnce) {
  auto e = edge();
  e->set_max_waiting(1);
  std::optional<EdgeSession> busy(std::in_place, *e);
  std::thread queued([&] { EdgeSession s(*e); });  // waits: the queue has room for one
  wait_for(*e, 1);
  try {
    EdgeSession refused(*e);
    FAIL() << "a session past the queue was admitted";
  } catch (const http::ApiError& err) {
    EXPECT_EQ(err.status, 503);
    EXPECT_EQ(err.code, "queue_full");
    EXPECT_EQ(err.retry_after_s, 1);
  }
  // A failover continuation waits whatever the queue holds.
  std::thread failover([&] { EdgeSession s(*e, /*may_refuse=*/false); });
  wait_for(*e, 2);
  busy.reset();
  queued.join();
  failover.join();
  EXPECT_EQ(e->waiting(), 0);
  EdgeSession again(*e);  // free again
}

TEST(EdgeAdmission, ZeroMeansNoWaiting) {
  auto e = edge();
  e->set_max_waiting(0);
  EdgeSession busy(*e);
  EXPECT_THROW(EdgeSession{*e}, http::ApiError);
}

}  // namespace
}  // namespace tandem::dispatcher
