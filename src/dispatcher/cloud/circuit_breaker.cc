#include "dispatcher/cloud/circuit_breaker.h"

#include <algorithm>
#include <stdexcept>

namespace tandem::dispatcher {

CircuitBreaker::CircuitBreaker(Options o, std::function<void(State)> on_change,
                               std::function<Clock::time_point()> now)
    : o_(o), on_change_(std::move(on_change)), now_(std::move(now)), backoff_(o.backoff) {
  if (o_.threshold < 1) throw std::invalid_argument("circuit breaker: threshold must be >= 1");
  if (o_.backoff.count() <= 0)
    throw std::invalid_argument("circuit breaker: back-off must be positive");
  o_.max_backoff = std::max(o_.max_backoff, o_.backoff);
}

const char* CircuitBreaker::name(State s) {
  switch (s) {
    case State::kClosed:
      return "closed";
    case State::kHalfOpen:
      return "half-open";
    case State::kOpen:
      return "open";
  }
  return "?";
}

bool CircuitBreaker::set_locked(State s) {
  const bool changed = state_ != s;
  state_ = s;
  return changed;
}

void CircuitBreaker::notify(bool changed, State s) const {
  if (changed && on_change_) on_change_(s);
}

bool CircuitBreaker::allow() {
  bool changed = false;
  State s;
  bool ok = false;
  {
    std::lock_guard lock(mu_);
    const auto now = now_();
    if (state_ == State::kClosed) {
      ok = true;
    } else if (state_ == State::kOpen) {
      if (now - opened_at_ >= backoff_) {
        changed = set_locked(State::kHalfOpen);
        trial_running_ = true;
        trial_at_ = now;
        ok = true;
      }
    } else if (!trial_running_ || now - trial_at_ >= backoff_) {  // half-open
      trial_running_ = true;
      trial_at_ = now;
      ok = true;
    }
    s = state_;
  }
  notify(changed, s);
  return ok;
}

bool CircuitBreaker::would_allow() const {
  std::lock_guard lock(mu_);
  const auto now = now_();
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      return now - opened_at_ >= backoff_;
    case State::kHalfOpen:
      return !trial_running_ || now - trial_at_ >= backoff_;
  }
  return false;
}

void CircuitBreaker::record_success() {
  bool changed;
  {
    std::lock_guard lock(mu_);
    failures_ = 0;
    trial_running_ = false;
    backoff_ = o_.backoff;
    changed = set_locked(State::kClosed);
  }
  notify(changed, State::kClosed);
}

void CircuitBreaker::record_failure(const std::string& why) {
  bool changed = false;
  State s;
  {
    std::lock_guard lock(mu_);
    last_failure_ = why;
    ++failures_;
    if (state_ == State::kHalfOpen) {  // the trial failed: wait longer this time
      backoff_ = std::min(backoff_ * 2, o_.max_backoff);
      trial_running_ = false;
      opened_at_ = now_();
      changed = set_locked(State::kOpen);
    } else if (state_ == State::kClosed && failures_ >= o_.threshold) {
      opened_at_ = now_();
      changed = set_locked(State::kOpen);
    }
    s = state_;
  }
  notify(changed, s);
}

void CircuitBreaker::reachable_again() {
  bool changed = false;
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kOpen) {
      trial_running_ = false;
      changed = set_locked(State::kHalfOpen);
    }
  }
  notify(changed, State::kHalfOpen);
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

CircuitBreaker::Snapshot CircuitBreaker::snapshot() const {
  std::lock_guard lock(mu_);
  Snapshot s;
  s.state = state_;
  s.consecutive_failures = failures_;
  s.last_failure = last_failure_;
  if (state_ == State::kOpen) {
    const auto left = backoff_ - (now_() - opened_at_);
    s.retry_in_s = std::max(0.0, std::chrono::duration<double>(left).count());
  }
  return s;
}

}  // namespace tandem::dispatcher
