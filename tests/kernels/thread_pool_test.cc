#include "kernels/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace tandem::kernels {
namespace {

TEST(ThreadPool, CoversRangeExactlyOnce) {
  for (int threads = 1; threads <= 4; ++threads) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 2, 3, 4, 5, 7, 64, 1000, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<int> calls{0};
      pool.parallel_for(n, [&](int64_t begin, int64_t end, int idx) {
        EXPECT_LE(0, begin);
        EXPECT_LT(begin, end);
        EXPECT_LE(end, n);
        EXPECT_GE(idx, 0);
        EXPECT_LT(idx, threads);
        ++calls;
        for (int64_t i = begin; i < end; ++i) ++hits[static_cast<size_t>(i)];
      });
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)], 1) << i;
      EXPECT_LE(calls.load(), threads);
      if (n >= threads) EXPECT_EQ(calls.load(), threads) << "n=" << n;
    }
  }
}

// Chunks cover [0, n) once, in near-equal lengths, whichever threads run them.
void expect_near_equal_cover(ThreadPool& pool, int64_t n, int chunks_per_thread,
                             int64_t want_chunks) {
  std::mutex mu;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  pool.parallel_for(
      n,
      [&](int64_t b, int64_t e, int idx) {
        EXPECT_GE(idx, 0);
        EXPECT_LT(idx, pool.size());
        std::lock_guard lock(mu);
        chunks.emplace_back(b, e);
      },
      chunks_per_thread);
  std::sort(chunks.begin(), chunks.end());
  ASSERT_EQ(static_cast<int64_t>(chunks.size()), want_chunks);
  int64_t next = 0;
  for (auto [b, e] : chunks) {
    EXPECT_EQ(b, next);
    EXPECT_GE(e - b, n / want_chunks);
    EXPECT_LE(e - b, n / want_chunks + 1);
    next = e;
  }
  EXPECT_EQ(next, n);
}

TEST(ThreadPool, ChunksAreNearEqual) {
  ThreadPool pool(3);
  expect_near_equal_cover(pool, 10, 1, 3);
  expect_near_equal_cover(pool, 100, 4, 12);
  expect_near_equal_cover(pool, 5, 4, 5);  // never more chunks than items
}

TEST(ThreadPool, OneChunkPerThreadRunsChunkIOnThreadI) {
  ThreadPool pool(3);
  std::vector<int64_t> begin_of(3, -1);
  pool.parallel_for(10,
                    [&](int64_t b, int64_t, int idx) { begin_of[static_cast<size_t>(idx)] = b; });
  EXPECT_EQ(begin_of, (std::vector<int64_t>{0, 3, 6}));
}

// A thread held up inside its first chunk (a busy core) leaves the rest to the others:
// the caller blocks until the worker has run every other chunk.
TEST(ThreadPool, FreeThreadsTakeTheRemainingChunks) {
  ThreadPool pool(2);
  std::atomic<int> done_by_worker{0};
  std::atomic<int> calls_by_caller{0};
  pool.parallel_for(
      80,
      [&](int64_t, int64_t, int idx) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        if (idx != 0) {
          // Wait for the caller to be inside a chunk, so it cannot miss out altogether.
          while (calls_by_caller.load() == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
          ++done_by_worker;
          return;
        }
        ++calls_by_caller;
        while (done_by_worker.load() < 7 && std::chrono::steady_clock::now() < deadline)
          std::this_thread::yield();
      },
      4);
  EXPECT_EQ(calls_by_caller.load(), 1);
  EXPECT_EQ(done_by_worker.load(), 7);
}

TEST(ThreadPool, ManyDispatchesInARow) {
  ThreadPool pool(4);
  std::atomic<int64_t> sum{0};
  for (int rep = 0; rep < 2000; ++rep)
    pool.parallel_for(17, [&](int64_t b, int64_t e, int) {
      for (int64_t i = b; i < e; ++i) sum += i;
    });
  EXPECT_EQ(sum.load(), 2000 * (16 * 17 / 2));
}

TEST(ThreadPool, PropagatesExceptions) {
  ThreadPool pool(3);
  EXPECT_THROW(pool.parallel_for(9,
                                 [](int64_t b, int64_t, int) {
                                   if (b > 0) throw std::runtime_error("boom");
                                 }),
               std::runtime_error);
  // Still usable afterwards.
  std::atomic<int> n{0};
  pool.parallel_for(9, [&](int64_t b, int64_t e, int) { n += static_cast<int>(e - b); });
  EXPECT_EQ(n.load(), 9);
}

}  // namespace
}  // namespace tandem::kernels
