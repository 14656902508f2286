// A small fixed-size thread pool: the calling thread takes part, no allocation per dispatch.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace tandem::kernels {

class ThreadPool {
 public:
  // n_threads counts the caller; 1 means run everything inline.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const;

  // Calls fn(begin, end, thread_index) over disjoint contiguous chunks covering [0, n), at
  // most size() * chunks_per_thread of them, of near-equal length; returns when all are
  // done. With one chunk per thread, chunk i runs on thread i. With more, threads claim
  // chunks in order as they become free, so a thread slowed by a shared core takes fewer
  // and a thread may run several. Not reentrant: fn must not call parallel_for on the same
  // pool.
  void parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn,
                    int chunks_per_thread = 1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // pimpl keeps <thread> out of headers
};

}  // namespace tandem::kernels
