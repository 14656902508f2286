#include "kernels/memory_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace tandem::kernels {

double measure_read_bandwidth(ThreadPool& pool, size_t bytes, int reps) {
  const size_t n = bytes / sizeof(uint64_t);
  std::vector<uint64_t> buf(n);
  // Touch every page from the threads that will read it (first-touch placement).
  pool.parallel_for(static_cast<int64_t>(n), [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) buf[static_cast<size_t>(i)] = static_cast<uint64_t>(i);
  });
  std::vector<uint64_t> sinks(static_cast<size_t>(pool.size()) * 8, 0);
  double best = 0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    pool.parallel_for(static_cast<int64_t>(n), [&](int64_t b, int64_t e, int thread) {
      // Independent accumulators keep the loads in flight; XOR keeps it cheap to vectorize.
      uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
      const uint64_t* p = buf.data();
      int64_t i = b;
      for (; i + 8 <= e; i += 8) {
        // Same streaming pattern as the decode kernels: one prefetch per line, 8 KB ahead,
        // so the probe measures what a well-fed kernel can read.
        __builtin_prefetch(p + i + 1024);
        a0 ^= p[i], a1 ^= p[i + 1], a2 ^= p[i + 2], a3 ^= p[i + 3];
        a4 ^= p[i + 4], a5 ^= p[i + 5], a6 ^= p[i + 6], a7 ^= p[i + 7];
      }
      for (; i < e; ++i) a0 ^= p[i];
      sinks[static_cast<size_t>(thread) * 8] += a0 ^ a1 ^ a2 ^ a3 ^ a4 ^ a5 ^ a6 ^ a7;
    });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, static_cast<double>(n * sizeof(uint64_t)) / s);
  }
  // Make the sums observable so the reads cannot be optimized away.
  volatile uint64_t sink = 0;
  for (auto s : sinks) sink = sink + s;
  (void)sink;
  return best;
}

}  // namespace tandem::kernels
