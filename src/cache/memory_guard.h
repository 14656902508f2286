// The memory guard: when free memory falls under a floor it frees what inactive caches hold
// (the evictors registered, cheapest loss first), and if that is not enough it says so, so a
// server sheds new work (503 + Retry-After, or offload to the cloud) instead of being killed
// by the OOM killer. It checks on a timer and whenever a server is about to allocate for a
// request (check()).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cache/memory_reading.h"

namespace tandem::cache {

struct MemoryGuardOptions {
  uint64_t min_free_bytes = uint64_t{500} << 20;  // 0: the guard never reports pressure
  std::chrono::milliseconds interval{1000};       // timer checks; 0: only check()
  MemorySources sources;
};

class MemoryGuard {
 public:
  // Frees what it can and returns the bytes it freed (0: nothing left to free).
  using Evictor = std::function<uint64_t()>;

  explicit MemoryGuard(MemoryGuardOptions opts);
  ~MemoryGuard();
  MemoryGuard(const MemoryGuard&) = delete;
  MemoryGuard& operator=(const MemoryGuard&) = delete;

  // Evictors run in the order added. Add them before start().
  void add_evictor(std::string name, Evictor e);
  void start();  // the timer thread (no-op when interval is 0)

  // Reads memory; under the floor runs the evictors until a reading is above it or all have
  // run. Returns true when still under the floor: new work should be shed. A reading that
  // fails (no /proc) counts as no pressure, logged once.
  bool check();
  // An SDK's platform signal (Android onTrimMemory): runs every evictor now.
  void low_memory_signal();

  bool under_pressure() const { return pressure_; }
  uint64_t available_bytes() const { return available_; }
  int64_t evictions() const { return evictions_; }  // evictor runs that freed something
  uint64_t freed_bytes() const { return freed_; }
  uint64_t min_free_bytes() const { return opts_.min_free_bytes; }

 private:
  bool run_evictors(bool forced);  // under mu_

  MemoryGuardOptions opts_;
  std::mutex mu_;  // one check at a time
  std::vector<std::pair<std::string, Evictor>> evictors_;
  std::atomic<bool> pressure_{false};
  std::atomic<uint64_t> available_{0};
  std::atomic<int64_t> evictions_{0};
  std::atomic<uint64_t> freed_{0};
  bool warned_ = false;
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool stop_ = false;
  std::thread timer_;
};

}  // namespace tandem::cache
