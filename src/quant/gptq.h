// GPTQ (Frantar et al. 2022) for one linear: columns quantized in order with the error
// fed forward through the inverse Hessian; desc_act off.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/thread_pool.h"
#include "model/ggml_types.h"

namespace tandem::quant {

struct GptqOptions {
  double damp = 0.01;   // λ as a fraction of mean(diag H)
  int64_t block = 128;  // lazy-update block (widened to a multiple of the grid's span)
  int64_t group = 32;   // columns per scale for Q4_0/Q4_1/Q8_0
};

struct GptqResult {
  double damp_used = 0;      // fraction actually applied (raised if H was not positive definite)
  int64_t dead_columns = 0;  // inputs never active in calibration: their weights are zeroed
};

// The upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU) after dampening, row-major n × n.
// H is 2·XᵀX/n. Raises the dampening ×10 (up to 4 times) if H is not positive definite.
std::vector<double> inverse_hessian_factor(std::vector<double> h, int64_t n, double damp,
                                           GptqResult* info);

// Quantizes W (rows × cols, row-major; modified in place as the algorithm goes) into
// `out` (rows × row_bytes(type, cols)). Rows are independent, so they run in parallel
// with a result that does not depend on the thread count.
GptqResult gptq_quantize(model::GgmlType type, std::span<float> w, int64_t rows, int64_t cols,
                         std::vector<double> hessian, const GptqOptions& opt,
                         kernels::ThreadPool& pool, uint8_t* out);

}  // namespace tandem::quant
