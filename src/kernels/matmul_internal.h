// Shared between matmul.cc (driver) and matmul-inl.h (per-target kernels).
#pragma once

#include <cstdint>

#include "kernels/weight_view.h"

namespace tandem::kernels::detail {

// Activations quantized to 8-bit values in 32-element blocks, like ggml's Q8_0 but with a
// float scale and the block sums the offset / min weight types need.
struct QuantActs {
  const int8_t* q = nullptr;  // n_tokens * cols values in [-127, 127]
  const float* d = nullptr;   // n_tokens * cols/32 block scales
  const float* s = nullptr;   // d * sum(q) per block, for the types with a min/offset
};

struct MatmulArgs {
  const WeightView* w = nullptr;
  const float* x = nullptr;  // n_tokens * cols floats (float weight types)
  QuantActs acts;            // quantized x (block weight types)
  int64_t n_tokens = 0;
  float* out = nullptr;
  // Work items are (row block, token tile) pairs, row-block major so consecutive items
  // handed to one thread reuse the same weight rows from cache.
  int64_t row_block = 0;
  int64_t token_tile = 0;
  int64_t n_token_tiles = 0;
};

// Quantizes one token's cols floats (cols a multiple of 32): q, d and s as in QuantActs,
// d = amax / 127, q = round-to-nearest-even(x / d), on the best Highway target.
void quantize_acts(const float* x, int64_t cols, int8_t* q, float* d, float* s);

// Computes the work items [begin, end) on the best Highway target.
void matmul_items(const MatmulArgs& args, int64_t begin, int64_t end);
// The Highway target matmul dispatches to now (an HWY_* bit), for tests.
int64_t matmul_target();

}  // namespace tandem::kernels::detail
