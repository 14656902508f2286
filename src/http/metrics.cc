#include "http/metrics.h"

#include <fmt/format.h>

namespace tandem::http {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double v) {
  std::lock_guard lock(mu_);
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += v;
  ++count_;
}

void Histogram::render(const std::string& name, std::string& out) const {
  std::lock_guard lock(mu_);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds_[i], cumulative);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, count_);
  out += fmt::format("{}_sum {}\n{}_count {}\n", name, sum_, name, count_);
}

Metrics::Metrics()
    : ttft_({0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}),
      token_latency_({0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}) {}

void Metrics::count_request(const std::string& endpoint, int status) {
  std::lock_guard lock(mu_);
  ++requests_[{endpoint, status}];
}

void Metrics::count_decision(const std::string& route, const std::string& reason) {
  std::lock_guard lock(mu_);
  ++decisions_[{route, reason}];
}

void Metrics::count_connection_refused(const std::string& why) {
  std::lock_guard lock(mu_);
  ++refused_connections_[why];
}

void Metrics::count_commander_failure(const std::string& kind) {
  std::lock_guard lock(mu_);
  ++commander_failures_[kind];
}

void Metrics::set_kv(std::vector<int64_t> slot_bytes, int64_t evicted, int64_t budget) {
  std::lock_guard lock(mu_);
  kv_slot_bytes_ = std::move(slot_bytes);
  kv_evicted_ = evicted;
  kv_budget_ = budget;
}

std::string Metrics::kv_text() const {
  std::string out;
  std::lock_guard lock(mu_);
  if (kv_slot_bytes_.empty()) return out;
  out += "# HELP tandem_kv_bytes KV cache bytes each slot's sequence holds.\n";
  out += "# TYPE tandem_kv_bytes gauge\n";
  for (size_t i = 0; i < kv_slot_bytes_.size(); ++i)
    out += fmt::format("tandem_kv_bytes{{slot=\"{}\"}} {}\n", i, kv_slot_bytes_[i]);
  out += "# HELP tandem_kv_evicted_total KV entries evicted by the KV budget (per layer).\n";
  out += "# TYPE tandem_kv_evicted_total counter\n";
  out += fmt::format("tandem_kv_evicted_total {}\n", kv_evicted_);
  out += "# HELP tandem_kv_budget_tokens KV entries a slot keeps (0: unbounded).\n";
  out += "# TYPE tandem_kv_budget_tokens gauge\n";
  out += fmt::format("tandem_kv_budget_tokens {}\n", kv_budget_);
  return out;
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP tandem_requests_total HTTP requests by endpoint and status.\n";
  out += "# TYPE tandem_requests_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : requests_)
      out += fmt::format("tandem_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n", key.first,
                         key.second, n);
  }
  {
    std::lock_guard lock(mu_);
    if (!decisions_.empty()) {
      out += "# HELP tandem_routing_decisions_total Dispatcher decisions by route and reason.\n";
      out += "# TYPE tandem_routing_decisions_total counter\n";
    }
    for (const auto& [key, n] : decisions_)
      out += fmt::format("tandem_routing_decisions_total{{route=\"{}\",reason=\"{}\"}} {}\n",
                         key.first, key.second, n);
  }
  out += "# HELP tandem_prompt_tokens_total Prompt tokens evaluated.\n";
  out += "# TYPE tandem_prompt_tokens_total counter\n";
  out += fmt::format("tandem_prompt_tokens_total {}\n", prompt_tokens_.load());
  out += "# HELP tandem_prompt_cached_tokens_total Prompt tokens reused from a slot's KV cache.\n";
  out += "# TYPE tandem_prompt_cached_tokens_total counter\n";
  out += fmt::format("tandem_prompt_cached_tokens_total {}\n", cached_prompt_tokens_.load());
  out += "# HELP tandem_generated_tokens_total Tokens generated.\n";
  out += "# TYPE tandem_generated_tokens_total counter\n";
  out += fmt::format("tandem_generated_tokens_total {}\n", generated_tokens_.load());
  out += "# HELP tandem_time_to_first_token_seconds Queue + prefill time to the first token.\n";
  out += "# TYPE tandem_time_to_first_token_seconds histogram\n";
  ttft_.render("tandem_time_to_first_token_seconds", out);
  out += "# HELP tandem_token_latency_seconds Time between consecutive generated tokens.\n";
  out += "# TYPE tandem_token_latency_seconds histogram\n";
  token_latency_.render("tandem_token_latency_seconds", out);
  // Their ratio is the mean batch size: how much continuous batching is sharing each pass.
  out += "# HELP tandem_forward_passes_total Batched forward passes run by the scheduler.\n";
  out += "# TYPE tandem_forward_passes_total counter\n";
  out += fmt::format("tandem_forward_passes_total {}\n", forward_passes_.load());
  out += "# HELP tandem_batch_tokens_total Tokens evaluated over all forward passes.\n";
  out += "# TYPE tandem_batch_tokens_total counter\n";
  out += fmt::format("tandem_batch_tokens_total {}\n", batch_tokens_.load());
  if (spec_passes_.load() > 0) {  // only a Dispatcher in speculative mode has these
    out += "# HELP tandem_spec_drafted_tokens_total Tokens the edge drafted for verification.\n";
    out += "# TYPE tandem_spec_drafted_tokens_total counter\n";
    out += fmt::format("tandem_spec_drafted_tokens_total {}\n", spec_drafted_.load());
    out += "# HELP tandem_spec_accepted_tokens_total Drafted tokens the Commander accepted.\n";
    out += "# TYPE tandem_spec_accepted_tokens_total counter\n";
    out += fmt::format("tandem_spec_accepted_tokens_total {}\n", spec_accepted_.load());
    out += "# HELP tandem_spec_verify_passes_total Verification calls to the Commander.\n";
    out += "# TYPE tandem_spec_verify_passes_total counter\n";
    out += fmt::format("tandem_spec_verify_passes_total {}\n", spec_passes_.load());
  }
  out += "# HELP tandem_active_slots Sequences being decoded.\n";
  out += "# TYPE tandem_active_slots gauge\n";
  out += fmt::format("tandem_active_slots {}\n", active_slots_.load());
  out += "# HELP tandem_queue_length Requests waiting for a slot.\n";
  out += "# TYPE tandem_queue_length gauge\n";
  out += fmt::format("tandem_queue_length {}\n", queue_length_.load());
  out += "# HELP tandem_open_connections HTTP connections open now.\n";
  out += "# TYPE tandem_open_connections gauge\n";
  out += fmt::format("tandem_open_connections {}\n", open_connections_.load());
  out += kv_text();
  {
    std::lock_guard lock(mu_);
    out += "# HELP tandem_connections_refused_total Connections refused or cut off, by reason.\n";
    out += "# TYPE tandem_connections_refused_total counter\n";
    for (const auto& [why, n] : refused_connections_)
      out += fmt::format("tandem_connections_refused_total{{reason=\"{}\"}} {}\n", why, n);
    if (commander_circuit_.load() >= 0) {
      out += "# HELP tandem_commander_circuit Commander circuit: 0 closed, 1 half-open, 2 open.\n";
      out += "# TYPE tandem_commander_circuit gauge\n";
      out += fmt::format("tandem_commander_circuit {}\n", commander_circuit_.load());
      out += "# HELP tandem_commander_failures_total Failed calls to the Commander, by kind.\n";
      out += "# TYPE tandem_commander_failures_total counter\n";
      for (const auto& [kind, n] : commander_failures_)
        out += fmt::format("tandem_commander_failures_total{{kind=\"{}\"}} {}\n", kind, n);
    }
    for (const auto& [id, collect] : collectors_) out += collect();
  }
  return out;
}

int Metrics::add_collector(std::function<std::string()> render) {
  std::lock_guard lock(mu_);
  collectors_.emplace(next_collector_, std::move(render));
  return next_collector_++;
}

void Metrics::remove_collector(int id) {
  std::lock_guard lock(mu_);
  collectors_.erase(id);
}

}  // namespace tandem::http
