#include "kernels/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace tandem::kernels {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waiting = spin briefly, then yield, then sleep. Spinning keeps back-to-back matmuls
// (hundreds per token) from paying a futex wake each; yielding before sleeping keeps an
// oversubscribed machine (more threads than free cores) from stalling on spinners.
constexpr int kSpinIterations = 1000;
constexpr int kYieldIterations = 64;

template <class Ready>
bool spin_then_yield(Ready ready) {
  for (int i = 0; i < kSpinIterations; ++i) {
    if (ready()) return true;
    cpu_relax();
  }
  for (int i = 0; i < kYieldIterations; ++i) {
    if (ready()) return true;
    std::this_thread::yield();
  }
  return ready();
}

}  // namespace

struct ThreadPool::Impl {
  int n_threads = 1;
  std::vector<std::thread> workers;

  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable done_cv;
  std::atomic<uint64_t> generation{0};
  std::atomic<int> pending{0};  // workers that have not finished the current generation
  bool stop = false;            // guarded by mu

  // The current job; written before generation is bumped, read after it is observed.
  const std::function<void(int64_t, int64_t, int)>* fn = nullptr;
  int64_t n = 0;
  int n_chunks = 0;
  bool dynamic = false;
  std::atomic<int> next_chunk{0};  // dynamic: claimed in order by whichever thread is free

  std::mutex error_mu;
  std::exception_ptr error;

  void run_chunk(int c, int thread) {
    const int64_t begin = n * c / n_chunks;
    const int64_t end = n * (c + 1) / n_chunks;
    try {
      (*fn)(begin, end, thread);
    } catch (...) {
      std::lock_guard lock(error_mu);
      if (!error) error = std::current_exception();
    }
  }

  // Static: chunk c on thread c. Dynamic: chunks until none are left, so a thread slowed
  // by a busy core simply claims fewer.
  void run_chunks(int thread) {
    if (!dynamic) {
      if (thread < n_chunks) run_chunk(thread, thread);
      return;
    }
    for (int c = next_chunk.fetch_add(1, std::memory_order_relaxed); c < n_chunks;
         c = next_chunk.fetch_add(1, std::memory_order_relaxed))
      run_chunk(c, thread);
  }

  void worker_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t gen = seen;
      const bool ready = spin_then_yield([&] {
        gen = generation.load(std::memory_order_acquire);
        return gen != seen;
      });
      if (!ready) {
        std::unique_lock lock(mu);
        work_cv.wait(lock,
                     [&] { return stop || generation.load(std::memory_order_acquire) != seen; });
        if (stop) return;
        gen = generation.load(std::memory_order_acquire);
      }
      seen = gen;
      run_chunks(index);
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard lock(mu);
        done_cv.notify_one();
      }
    }
  }
};

ThreadPool::ThreadPool(int n_threads) : impl_(std::make_unique<Impl>()) {
  impl_->n_threads = std::max(1, n_threads);
  impl_->workers.reserve(static_cast<size_t>(impl_->n_threads - 1));
  for (int i = 1; i < impl_->n_threads; ++i)
    impl_->workers.emplace_back([this, i] { impl_->worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->work_cv.notify_all();
  for (auto& t : impl_->workers) t.join();
}

int ThreadPool::size() const {
  return impl_->n_threads;
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn,
                              int chunks_per_thread) {
  if (n <= 0) return;
  Impl& p = *impl_;
  if (p.n_threads == 1 || n == 1) {
    fn(0, n, 0);
    return;
  }
  const int64_t wanted = static_cast<int64_t>(p.n_threads) * std::max(1, chunks_per_thread);
  p.fn = &fn;
  p.n = n;
  p.n_chunks = static_cast<int>(std::min<int64_t>({n, wanted, std::numeric_limits<int>::max()}));
  p.dynamic = chunks_per_thread > 1;
  p.next_chunk.store(0, std::memory_order_relaxed);
  p.error = nullptr;
  // Every worker acknowledges every generation, so none can still be reading this job's
  // fields when the next one overwrites them.
  p.pending.store(p.n_threads - 1, std::memory_order_relaxed);
  {
    std::lock_guard lock(p.mu);
    p.generation.fetch_add(1, std::memory_order_release);
  }
  p.work_cv.notify_all();

  p.run_chunks(0);

  if (!spin_then_yield([&] { return p.pending.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock lock(p.mu);
    p.done_cv.wait(lock, [&] { return p.pending.load(std::memory_order_acquire) == 0; });
  }
  if (p.error) std::rethrow_exception(std::exchange(p.error, nullptr));
}

}  // namespace tandem::kernels
