#include "dispatcher/cloud/commander_link.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace tandem::dispatcher {

CommanderLink::CommanderLink(CommanderOptions opts, http::Metrics& metrics)
    : opts_(std::move(opts)),
      metrics_(metrics),
      breaker_(opts_.circuit, [this](CircuitBreaker::State s) {
        metrics_.set_commander_circuit(static_cast<int>(s));
        const auto snap = breaker_.snapshot();
        spdlog::warn(
            "dispatcher: commander circuit {}{}", CircuitBreaker::name(s),
            s == CircuitBreaker::State::kOpen
                ? fmt::format(" after {} consecutive failures (last: {}); cloud requests "
                              "answered on the edge for {:.1f} s",
                              snap.consecutive_failures, snap.last_failure, snap.retry_in_s)
                : std::string());
      }) {
  split_commander_url(opts_.url, origin_, prefix_);
  metrics_.set_commander_circuit(static_cast<int>(CircuitBreaker::State::kClosed));
  probe_ = std::jthread([this](std::stop_token stop) { probe_loop(stop); });
}

CommanderLink::~CommanderLink() {
  probe_.request_stop();  // wakes the wait (condition_variable_any + stop_token)
  {
    std::lock_guard lock(mu_);
    if (probing_) probing_->stop();
  }
  probe_.join();
}

void CommanderLink::failed(LinkFailure kind, const std::string& detail) {
  metrics_.count_commander_failure(failure_kind(kind));
  breaker_.record_failure(std::string(failure_kind(kind)) + ": " + detail);
}

bool CommanderLink::probe_once(LinkFailure& kind, std::string& why) {
  // A probe must answer well within the interval so a stopped Commander shows up quickly.
  const auto timeout = std::chrono::milliseconds(std::clamp(opts_.probe_interval_ms / 2, 50, 1000));
  httplib::Client cli(origin_);
  cli.set_connection_timeout(timeout);
  cli.set_read_timeout(timeout);
  cli.set_write_timeout(timeout);
  {
    std::lock_guard lock(mu_);
    probing_ = &cli;
  }
  httplib::Headers h;
  if (!opts_.api_key.empty()) h.emplace("Authorization", "Bearer " + opts_.api_key);
  auto r = cli.Get(prefix_ + "/health", h);
  {
    std::lock_guard lock(mu_);
    probing_ = nullptr;
  }
  if (r) return true;  // any HTTP answer: it is there (auth and errors show on real calls)
  why = "GET /health: " + httplib::to_string(r.error());
  kind = r.error() == httplib::Error::Connection || r.error() == httplib::Error::ConnectionTimeout
             ? LinkFailure::kConnect
             : LinkFailure::kFirstByte;
  return false;
}

void CommanderLink::probe_loop(std::stop_token stop) {
  const auto interval = std::chrono::milliseconds(std::max(opts_.probe_interval_ms, 10));
  while (!stop.stop_requested()) {
    LinkFailure kind = LinkFailure::kNone;
    std::string why;
    const bool ok = probe_once(kind, why);
    if (stop.stop_requested()) break;
    const bool was = reachable_.exchange(ok);
    {
      std::lock_guard lock(mu_);
      probe_error_ = ok ? "" : why;
    }
    if (!ok) {
      if (was) spdlog::warn("dispatcher: commander {} unreachable ({})", opts_.url, why);
      failed(kind, why);
    } else if (!was) {
      spdlog::info("dispatcher: commander {} reachable again", opts_.url);
      breaker_.reachable_again();  // an open circuit tries the next request now
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, stop, interval, [] { return false; });
  }
}

std::optional<std::string> CommanderLink::degraded_reason() const {
  if (!reachable_) {
    std::lock_guard lock(mu_);
    return "commander unreachable (" + probe_error_ + "); answering on the edge";
  }
  const auto s = breaker_.snapshot();
  if (s.state == CircuitBreaker::State::kOpen)
    return fmt::format(
        "commander circuit open after {} consecutive failures (last: {}); answering on the "
        "edge, next try in {:.1f} s",
        s.consecutive_failures, s.last_failure, s.retry_in_s);
  return std::nullopt;
}

nlohmann::json CommanderLink::status_json() const {
  const auto s = breaker_.snapshot();
  return {{"reachable", reachable_.load()},
          {"circuit", CircuitBreaker::name(s.state)},
          {"consecutive_failures", s.consecutive_failures},
          {"last_failure",
           s.last_failure.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_failure)},
          {"retry_in_s", s.retry_in_s}};
}

}  // namespace tandem::dispatcher
