#include "kernels/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
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

TEST(ThreadPool, ChunksAreNearEqual) {
  ThreadPool pool(3);
  std::vector<int64_t> len(3, -1);
  pool.parallel_for(10,
                    [&](int64_t b, int64_t e, int idx) { len[static_cast<size_t>(idx)] = e - b; });
  for (int64_t l : len) {
    EXPECT_GE(l, 3);
    EXPECT_LE(l, 4);
  }
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
