// Prometheus text-format metrics of the Commander: request counts, token counts, latency
// histograms, slot and queue gauges. Thread-safe; one instance per server.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tandem::http {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  // Appends the _bucket/_sum/_count lines of `name`.
  void render(const std::string& name, std::string& out) const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative
  double sum_ = 0;
  uint64_t count_ = 0;
};

class Metrics {
 public:
  Metrics();
  void count_request(const std::string& endpoint, int status);
  // Dispatcher: one routing decision (route "edge"|"cloud", reason as in router::Reason).
  void count_decision(const std::string& route, const std::string& reason);
  void add_prompt_tokens(int64_t n) { prompt_tokens_ += n; }
  // Prompt tokens whose KV a slot's cache already held (not evaluated again).
  void add_cached_prompt_tokens(int64_t n) { cached_prompt_tokens_ += n; }
  void add_generated_tokens(int64_t n) { generated_tokens_ += n; }
  void observe_ttft(double seconds) { ttft_.observe(seconds); }
  void observe_token_latency(double seconds) { token_latency_.observe(seconds); }
  void count_forward(int64_t n_tokens) {
    ++forward_passes_;
    batch_tokens_ += n_tokens;
  }
  // Dispatcher, cloud-speculative answers: drafted / accepted tokens and verify passes.
  void add_speculation(int64_t drafted, int64_t accepted, int64_t passes) {
    spec_drafted_ += drafted;
    spec_accepted_ += accepted;
    spec_passes_ += passes;
  }
  void set_active_slots(int64_t n) { active_slots_ = n; }
  // KV cache: bytes each slot's sequence holds, entries evicted by a KV budget (per layer,
  // since start), and the budget now (0: none).
  void set_kv(std::vector<int64_t> slot_bytes, int64_t evicted, int64_t budget);
  // The tandem_kv_* lines alone (part of render()): a Dispatcher shows its edge scheduler's.
  std::string kv_text() const;
  void set_queue_length(int64_t n) { queue_length_ = n; }
  // HTTP connections: open now, and refused or cut off (why: "capacity", "header_timeout",
  // "body_timeout", "body_too_large").
  void set_open_connections(int64_t n) { open_connections_ = n; }
  void count_connection_refused(const std::string& why);
  // Dispatcher: the Commander circuit (0 closed, 1 half-open, 2 open) and link failures
  // (kind: "connect", "first_byte", "stall", "status").
  void set_commander_circuit(int state) { commander_circuit_ = state; }
  void count_commander_failure(const std::string& kind);

  // Text appended to render() by a part of the server this layer does not know (the memory
  // guard). Returns an id for remove_collector, which its owner calls before it goes away.
  int add_collector(std::function<std::string()> render);
  void remove_collector(int id);

  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, uint64_t> decisions_;
  std::map<std::string, uint64_t> refused_connections_, commander_failures_;
  std::atomic<int64_t> open_connections_{0};
  std::atomic<int> commander_circuit_{-1};  // -1: no Commander (not rendered)
  std::atomic<int64_t> prompt_tokens_{0}, cached_prompt_tokens_{0}, generated_tokens_{0};
  std::atomic<int64_t> active_slots_{0}, queue_length_{0};
  std::atomic<int64_t> forward_passes_{0}, batch_tokens_{0};
  std::atomic<int64_t> spec_drafted_{0}, spec_accepted_{0}, spec_passes_{0};
  Histogram ttft_, token_latency_;
  std::map<int, std::function<std::string()>> collectors_;  // under mu_
  std::vector<int64_t> kv_slot_bytes_;                      // under mu_
  int64_t kv_evicted_ = 0, kv_budget_ = 0;                  // under mu_
  int next_collector_ = 0;
};

}  // namespace tandem::http
