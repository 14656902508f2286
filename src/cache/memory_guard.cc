#include "cache/memory_guard.h"

#include <spdlog/spdlog.h>

namespace tandem::cache {

MemoryGuard::MemoryGuard(MemoryGuardOptions opts) : opts_(std::move(opts)) {}

MemoryGuard::~MemoryGuard() {
  {
    std::lock_guard lock(timer_mu_);
    stop_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
}

void MemoryGuard::add_evictor(std::string name, Evictor e) {
  std::lock_guard lock(mu_);
  evictors_.emplace_back(std::move(name), std::move(e));
}

void MemoryGuard::start() {
  if (opts_.interval.count() <= 0 || opts_.min_free_bytes == 0 || timer_.joinable()) return;
  timer_ = std::thread([this] {
    std::unique_lock lock(timer_mu_);
    while (!timer_cv_.wait_for(lock, opts_.interval, [this] { return stop_; })) {
      lock.unlock();
      check();
      lock.lock();
    }
  });
}

bool MemoryGuard::check() {
  if (opts_.min_free_bytes == 0) return false;
  std::lock_guard lock(mu_);
  return run_evictors(false);
}

void MemoryGuard::low_memory_signal() {
  std::lock_guard lock(mu_);
  run_evictors(true);
}

bool MemoryGuard::run_evictors(bool forced) {
  auto read = [this]() -> bool {  // true: under the floor
    try {
      available_ = read_available_memory(opts_.sources).available_bytes;
    } catch (const std::exception& e) {
      if (!warned_) spdlog::warn("memory guard: {}; the guard is idle", e.what());
      warned_ = true;
      return false;
    }
    return available_ < opts_.min_free_bytes;
  };
  bool low = read();
  for (auto& [name, evict] : evictors_) {
    if (!low && !forced) break;
    const uint64_t freed = evict();
    if (freed > 0) {
      ++evictions_;
      freed_ += freed;
      spdlog::warn("memory guard: {} MiB available (floor {} MiB): freed {} KiB of {}",
                   available_ >> 20, opts_.min_free_bytes >> 20, freed >> 10, name);
    }
    low = read();
  }
  if (low != pressure_)
    spdlog::warn("memory guard: {} ({} MiB available, floor {} MiB)",
                 low ? "under pressure, shedding new work" : "pressure over", available_ >> 20,
                 opts_.min_free_bytes >> 20);
  pressure_ = low;
  return low;
}

}  // namespace tandem::cache
