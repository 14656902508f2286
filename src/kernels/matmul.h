// Matrix multiplication against stored weights: the one hot op of the forward pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/thread_pool.h"
#include "kernels/weight_view.h"

namespace tandem::kernels {

// out[t * w.rows + r] = sum_c W[r, c] * x[t * w.cols + c] for t < n_tokens, r < w.rows.
// n_tokens == 1 is decode (matvec); larger n_tokens is prefill / verification.
// Supports F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K, Q5_K,
// Q6_K, IQ4_XS; throws std::invalid_argument otherwise.
// True for the weight types matmul computes with.
bool matmul_supports(model::GgmlType t);

void matmul(const WeightView& w, const float* x, int64_t n_tokens, float* out, ThreadPool& pool);

// One matrix of a matmul_many call and where its n_tokens * w->rows outputs go.
struct MatmulJob {
  const WeightView* w = nullptr;
  float* out = nullptr;
};
inline constexpr size_t kMaxMatmulJobs = 4;

// Several matrices applied to the same input (Q/K/V, gate/up): the input is quantized once
// per distinct activation format and all their work runs in one pool dispatch. Throws
// std::invalid_argument if the matrices' widths differ or there are more than kMaxMatmulJobs.
void matmul_many(std::span<const MatmulJob> jobs, const float* x, int64_t n_tokens,
                 ThreadPool& pool);

// Row r of w as floats (embedding lookup).
void dequantize_row(const WeightView& w, int64_t r, float* dst);

}  // namespace tandem::kernels
