// Second moments and mean magnitudes of a linear's inputs over calibration tokens: all that
// GPTQ (the Hessian 2·XᵀX/n) and AWQ (output error ΔW·G·ΔWᵀ, channel magnitudes) need, so
// no activation is kept beyond the batch being observed.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/thread_pool.h"

namespace tandem::quant {

struct InputStats {
  explicit InputStats(int64_t cols = 0) : cols(cols), xtx(cols * cols), abs_sum(cols) {}

  int64_t cols;
  int64_t n_tokens = 0;
  std::vector<double> xtx;      // Σ xᵀx, cols × cols
  std::vector<double> abs_sum;  // Σ |x| per channel

  // Adds n rows of `cols` floats. Each output entry is summed in token order by one
  // thread, so the result does not depend on the thread count.
  void add(const float* x, int64_t n, kernels::ThreadPool& pool);
  // XᵀX / n (the mean outer product); AWQ's error metric and GPTQ's Hessian up to 2×.
  std::vector<double> mean_xtx() const;
  std::vector<double> mean_abs() const;
};

}  // namespace tandem::quant
