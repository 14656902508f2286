// The Dispatcher's view of its Commander's health: a circuit breaker fed by every cloud call
// and by a background probe (one thread: GET /health every probe_interval, with a short
// timeout; any HTTP answer counts as reachable), so routing, /v1/route and /health tell the
// truth within a few seconds of the Commander dying, stopping or coming back. The circuit's
// state and each failure go to the metrics.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "dispatcher/cloud/circuit_breaker.h"
#include "dispatcher/cloud/commander_client.h"
#include "http/metrics.h"

namespace tandem::dispatcher {

class CommanderLink {
 public:
  // Starts the probe thread (its first probe right away).
  CommanderLink(CommanderOptions opts, http::Metrics& metrics);
  ~CommanderLink();  // stops the probe (aborting one in flight) and joins its thread
  CommanderLink(const CommanderLink&) = delete;
  CommanderLink& operator=(const CommanderLink&) = delete;

  const CommanderOptions& options() const { return opts_; }
  // The last probe got an answer (true until the first probe says otherwise).
  bool reachable() const { return reachable_; }
  // Worth routing to: reachable and the circuit would let a call through.
  bool available() const { return reachable_ && breaker_.would_allow(); }
  // Permission for one cloud call now (takes the half-open trial); false: answer on the edge.
  bool acquire() { return breaker_.allow(); }
  void succeeded() { breaker_.record_success(); }
  void failed(LinkFailure kind, const std::string& detail);

  // Why /health says "degraded" (unreachable, circuit open); empty: healthy.
  std::optional<std::string> degraded_reason() const;
  // {"reachable", "circuit", "consecutive_failures", "last_failure", "retry_in_s"}
  nlohmann::json status_json() const;

 private:
  void probe_loop(std::stop_token stop);
  // One GET /health; false with kind and why when no HTTP answer came in time.
  bool probe_once(LinkFailure& kind, std::string& why);

  CommanderOptions opts_;
  http::Metrics& metrics_;
  std::string origin_, prefix_;
  CircuitBreaker breaker_;
  std::atomic<bool> reachable_{true};
  mutable std::mutex mu_;
  std::string probe_error_;             // the last failed probe's, under mu_
  httplib::Client* probing_ = nullptr;  // the probe in flight, for the destructor to stop
  std::condition_variable_any wake_;
  std::jthread probe_;  // last: starts once everything above exists
};

}  // namespace tandem::dispatcher
