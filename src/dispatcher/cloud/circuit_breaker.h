// The Dispatcher's circuit breaker for the Commander: after `threshold` consecutive failures
// (no connection, no first byte, a stalled stream, an auth or gateway status) it opens, and
// for a back-off period every cloud-routed request is answered on the edge at once instead of
// paying a timeout. When the back-off has passed, one request is let through (half-open): its
// success closes the circuit, its failure opens it again with the back-off doubled (up to
// max_backoff). Thread-safe; the clock is injectable for tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace tandem::dispatcher {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kClosed = 0, kHalfOpen = 1, kOpen = 2 };

  struct Options {
    int threshold = 3;  // consecutive failures that open the circuit
    std::chrono::milliseconds backoff{10000};
    std::chrono::milliseconds max_backoff{60000};  // the doubled back-off stops here
  };

  // on_change: called (outside the lock) with the new state after every transition.
  explicit CircuitBreaker(Options o, std::function<void(State)> on_change = {},
                          std::function<Clock::time_point()> now = Clock::now);

  // Whether a call may go to the Commander now. Open and past the back-off: becomes half-open
  // and admits this one call (the trial); while a trial runs, no other call is admitted (a
  // trial that never reports is given up after one back-off).
  bool allow();
  // Whether allow() would admit a call now (does not take the half-open trial).
  bool would_allow() const;
  void record_success();
  // `why`: what failed, for status reports.
  void record_failure(const std::string& why);
  // The Commander came back (the health probe answers again after failing): an open circuit
  // becomes half-open now instead of at the end of its back-off.
  void reachable_again();

  State state() const;
  struct Snapshot {
    State state = State::kClosed;
    int consecutive_failures = 0;
    std::string last_failure;
    double retry_in_s = 0;  // open: seconds until the trial call
  };
  Snapshot snapshot() const;

  static const char* name(State s);

 private:
  // Sets the state under the lock; returns whether it changed.
  bool set_locked(State s);
  void notify(bool changed, State s) const;

  Options o_;
  std::function<void(State)> on_change_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;
  int failures_ = 0;
  std::chrono::milliseconds backoff_;
  Clock::time_point opened_at_{};
  Clock::time_point trial_at_{};
  bool trial_running_ = false;
  std::string last_failure_;
};

}  // namespace tandem::dispatcher
