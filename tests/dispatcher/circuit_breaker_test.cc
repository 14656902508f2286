// The Commander circuit breaker on a fake clock, and the Commander URL split (plain parsing,
// no regex engine).
#include "dispatcher/cloud/circuit_breaker.h"

#include <gtest/gtest.h>

#include <vector>

#include "dispatcher/cloud/commander_client.h"

namespace tandem::dispatcher {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;

struct FakeClock {
  CircuitBreaker::Clock::time_point t{};
  std::function<CircuitBreaker::Clock::time_point()> fn() {
    return [this] { return t; };
  }
};

CircuitBreaker::Options options() {
  CircuitBreaker::Options o;
  o.threshold = 3;
  o.backoff = 10s;
  o.max_backoff = 25s;
  return o;
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresOnly) {
  FakeClock clock;
  std::vector<State> changes;
  CircuitBreaker b(
      options(), [&](State s) { changes.push_back(s); }, clock.fn());
  b.record_failure("stall: x");
  b.record_failure("stall: x");
  b.record_success();  // not consecutive any more
  b.record_failure("connect: y");
  b.record_failure("connect: y");
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.allow());
  b.record_failure("status: HTTP 401");
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_FALSE(b.allow());
  EXPECT_FALSE(b.would_allow());
  const auto snap = b.snapshot();
  EXPECT_EQ(snap.consecutive_failures, 3);
  EXPECT_EQ(snap.last_failure, "status: HTTP 401");
  EXPECT_DOUBLE_EQ(snap.retry_in_s, 10.0);
  EXPECT_EQ(changes, std::vector<State>{State::kOpen});
}

TEST(CircuitBreaker, HalfOpenTrialClosesOrReopensWithDoubledBackoff) {
  FakeClock clock;
  std::vector<State> changes;
  CircuitBreaker b(
      options(), [&](State s) { changes.push_back(s); }, clock.fn());
  for (int i = 0; i < 3; ++i) b.record_failure("f");
  clock.t += 9s;
  EXPECT_FALSE(b.allow());
  clock.t += 1s;  // the back-off has passed: one trial goes through
  EXPECT_TRUE(b.would_allow());
  EXPECT_TRUE(b.allow());
  EXPECT_EQ(b.state(), State::kHalfOpen);
  EXPECT_FALSE(b.allow());  // only one trial at a time
  b.record_failure("f");    // the trial failed: open for 20 s
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_DOUBLE_EQ(b.snapshot().retry_in_s, 20.0);
  clock.t += 19s;
  EXPECT_FALSE(b.allow());
  clock.t += 1s;
  EXPECT_TRUE(b.allow());
  b.record_failure("f");  // doubled again, but capped at 25 s
  EXPECT_DOUBLE_EQ(b.snapshot().retry_in_s, 25.0);
  clock.t += 25s;
  EXPECT_TRUE(b.allow());
  b.record_success();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.snapshot().consecutive_failures, 0);
  // Closed again, the back-off starts over from 10 s.
  for (int i = 0; i < 3; ++i) b.record_failure("f");
  EXPECT_DOUBLE_EQ(b.snapshot().retry_in_s, 10.0);
  EXPECT_EQ(changes,
            (std::vector<State>{State::kOpen, State::kHalfOpen, State::kOpen, State::kHalfOpen,
                                State::kOpen, State::kHalfOpen, State::kClosed, State::kOpen}));
}

TEST(CircuitBreaker, LostTrialIsRetriedAfterOneBackoff) {
  FakeClock clock;
  CircuitBreaker b(options(), {}, clock.fn());
  for (int i = 0; i < 3; ++i) b.record_failure("f");
  clock.t += 10s;
  EXPECT_TRUE(b.allow());  // a trial that never reports back
  clock.t += 5s;
  EXPECT_FALSE(b.allow());
  clock.t += 5s;
  EXPECT_TRUE(b.allow());
}

TEST(CircuitBreaker, ReachableAgainLetsTheNextRequestTry) {
  FakeClock clock;
  CircuitBreaker b(options(), {}, clock.fn());
  for (int i = 0; i < 3; ++i) b.record_failure("connect: refused");
  EXPECT_FALSE(b.would_allow());
  b.reachable_again();  // the probe answers again: no need to wait out the back-off
  EXPECT_EQ(b.state(), State::kHalfOpen);
  EXPECT_TRUE(b.allow());
  EXPECT_FALSE(b.allow());
  b.record_success();
  EXPECT_EQ(b.state(), State::kClosed);
  b.reachable_again();  // closed stays closed
  EXPECT_EQ(b.state(), State::kClosed);
}

TEST(CircuitBreaker, RejectsNonsenseOptions) {
  auto o = options();
  o.threshold = 0;
  EXPECT_THROW(CircuitBreaker{o}, std::invalid_argument);
  o = options();
  o.backoff = 0s;
  EXPECT_THROW(CircuitBreaker{o}, std::invalid_argument);
}

TEST(CommanderUrl, SplitsOriginAndPrefix) {
  std::string origin, prefix;
  split_commander_url("http://127.0.0.1:8081", origin, prefix);
  EXPECT_EQ(origin, "http://127.0.0.1:8081");
  EXPECT_EQ(prefix, "");
  split_commander_url("https://cloud.example.com/api/v1/", origin, prefix);
  EXPECT_EQ(origin, "https://cloud.example.com");
  EXPECT_EQ(prefix, "/api");
  split_commander_url("http://h:1/v1", origin, prefix);
  EXPECT_EQ(prefix, "");
  for (const char* bad : {"127.0.0.1:8081", "ftp://h:1", "http://", "http:///v1", ""})
    EXPECT_THROW(split_commander_url(bad, origin, prefix), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace tandem::dispatcher
