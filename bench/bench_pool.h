// The thread pool the kernel micro-benchmarks share. Threads: TANDEM_BENCH_THREADS (default:
// all hardware threads).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "kernels/thread_pool.h"

namespace tandem::bench {

inline kernels::ThreadPool& pool() {
  static kernels::ThreadPool p([] {
    if (const char* s = std::getenv("TANDEM_BENCH_THREADS")) return std::max(1, std::atoi(s));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }());
  return p;
}

}  // namespace tandem::bench
