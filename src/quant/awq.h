// AWQ (Lin et al. 2023) scale search for a group of linears sharing one input: scaling input
// channel j by s_j = a_j^α (a = mean |x_j|) before quantizing protects the salient channels;
// 1/s is folded into whatever produces the input, so the float model is unchanged.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/thread_pool.h"
#include "model/ggml_types.h"
#include "quant/input_stats.h"

namespace tandem::quant {

struct AwqLinear {
  model::GgmlType type;  // the type it will be stored in
  int64_t rows = 0;
  std::span<const float> w;  // rows × stats.cols, row-major
};

struct AwqResult {
  double alpha = 0;
  std::vector<float> scales;  // per input channel; all 1 when α = 0
  double error = 0;           // output MSE sum at the chosen α
  double error_alpha0 = 0;    // ... and at α = 0 (plain RTN)
};

// The per-channel scales for one α, normalized as AutoAWQ does (s / sqrt(max·min)).
std::vector<float> awq_scales(std::span<const double> mean_abs, double alpha);

// Grid search over α ∈ {0, 1/n_grid, …, 1}: the α minimizing Σ ΔW·E[xxᵀ]·ΔWᵀ, the expected
// squared output error of the group with RTN at each linear's type and `group` size.
AwqResult awq_search(std::span<const AwqLinear> linears, const InputStats& stats, int64_t group,
                     kernels::ThreadPool& pool, int n_grid = 20);

}  // namespace tandem::quant

namespace tandem::quant {

// AWQ's weight clipping: for each row and group of `group` columns, the clipping range
// max|w|·r, r ∈ {1, 0.975, …, 0.5}, whose rounded result has the least output error
// Δ·G·Δᵀ over the group's inputs (g: E[xxᵀ] of the inputs as the linear sees them).
// Clips w in place; returns the relative output error after / before.
double awq_clip(model::GgmlType type, int64_t group, std::span<float> w, int64_t rows, int64_t cols,
                std::span<const double> g, kernels::ThreadPool& pool);

}  // namespace tandem::quant
