// Shared between matmul.cc (driver) and matmul-inl.h (per-target kernels).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/packed_weights.h"
#include "kernels/weight_view.h"

namespace tandem::kernels::detail {

// Activations quantized to 8-bit values in 32-element blocks, like ggml's Q8_0 but with a
// float scale and the block sums the offset / min weight types need.
struct QuantActs {
  const int8_t* q = nullptr;  // n_tokens * cols values in [-127, 127]
  const float* d = nullptr;   // n_tokens * cols/32 block scales
  const float* s = nullptr;   // d * sum(q) per block, for the types with a min/offset
  // sum(q) per block times the weight type's offset factor (-8 for Q4_0, -128 for the
  // offset-by-128 Q8_0 panels): the packed kernels start their integer dots there.
  const int32_t* isum = nullptr;
  // The same per 16-element half (2 per block), for Q6_K's 16-element scales; may be null.
  const int32_t* isum16 = nullptr;
  bool tiled = false;  // block-interleaved tiles of kActTile tokens (act_index)
};

// Packed matmuls take activations in tiles of kActTile tokens, block-interleaved, so a
// kernel reaches every token of a tile at a fixed offset from one pointer per block.
inline constexpr int64_t kActTile = 8;
// Index of token t's block b (in 32-byte units for q; in elements for d, s and isum).
inline int64_t act_index(int64_t t, int64_t b, int64_t nb, bool tiled) {
  return tiled ? ((t / kActTile) * nb + b) * kActTile + t % kActTile : t * nb + b;
}

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

// A packed tile's activations (tiled layout): token t of 32-block b is slot
// b * kActTile + t, so every access is a constant offset from these pointers.
struct TileActs {
  const int8_t* q;
  const float* d;
  const float* s;
  const int32_t* isum;
  const int32_t* isum16;
  TileActs(const MatmulArgs& a, int64_t t0) {
    const int64_t i = act_index(t0, 0, a.w->cols / 32, true);
    q = a.acts.q + i * 32;
    d = a.acts.d + i;
    s = a.acts.s + i;
    isum = a.acts.isum + i;
    isum16 = a.acts.isum16 != nullptr ? a.acts.isum16 + 2 * i : nullptr;
  }
  static constexpr int64_t Slot(int64_t b, int t) { return b * kActTile + t; }
  const int8_t* Q(int64_t b, int t) const { return q + Slot(b, t) * 32; }
};

// Walks the work items [begin, end) of a packed matmul, (panel, token tile) pairs, as runs
// of n <= kTokens tokens: run(panel, r0, t, n) for the panel starting at row r0 and tokens
// t .. t+n-1; runs start at multiples of kTokens within a tile, and the last may be short.
template <int kTokens, class Run>
inline void for_each_panel_run(const MatmulArgs& a, int64_t begin, int64_t end, Run&& run) {
  const PackedLayout L = packed_layout(a.w->type, a.w->cols);
  for (int64_t item = begin; item < end; ++item) {
    const int64_t p = item / a.n_token_tiles;
    int64_t t = (item % a.n_token_tiles) * a.token_tile;
    const int64_t t_end = std::min(a.n_tokens, t + a.token_tile);
    const uint8_t* panel = a.w->packed + p * L.panel_bytes;
    for (; t < t_end; t += kTokens)
      run(panel, p * kPanelRows, t, static_cast<int>(std::min<int64_t>(kTokens, t_end - t)));
  }
}

// True when environment variable `name` is set to anything but "" or "0" (the kernels'
// switches for comparisons: TANDEM_NO_REPACK, TANDEM_NO_AVXVNNI).
bool env_flag(const char* name);

// Quantizes one token's cols floats (cols a multiple of 32): q, d, s and isum as in QuantActs,
// d = amax / 127, q = round-to-nearest-even(x / d), on the best Highway target. Block b goes
// to q + 32 * b * stride and d[b * stride] (likewise s, isum); isum = isum_scale * sum(q).
// isum16, when not null, gets the two 16-element halves' sums at isum16[2 * b * stride + h].
void quantize_acts(const float* x, int64_t cols, int8_t* q, float* d, float* s, int32_t* isum,
                   int64_t stride = 1, int32_t isum_scale = 1, int32_t* isum16 = nullptr);

// Computes the work items [begin, end) on the best Highway target.
void matmul_items(const MatmulArgs& args, int64_t begin, int64_t end);
// Packed weights (w->packed): items are (16-row panel, token tile) pairs.
void packed_items(const MatmulArgs& args, int64_t begin, int64_t end);
// The same on plain C++ loops: what targets without a native packed kernel run, and the
// reference the native one is tested against.
void packed_items_portable(const MatmulArgs& args, int64_t begin, int64_t end);
// True when the best target has a native packed kernel for type t (AVX-512 VNNI + GFNI:
// every packable type; AVX2: every one with AVX-VNNI, all but Q8_0 without).
bool packed_kernel_native(model::GgmlType t);

// aarch64's int8 dot instructions (matmul_arm.cc), which Highway 1.0.3 has no op for: SDOT
// (FEAT_DotProd) and SMMLA (FEAT_I8MM). The NEON and SVE targets' row-major quantized
// matmuls take the best one the CPU has; kPortable leaves them to the Highway kernels.
enum class ArmInt8 { kPortable, kDotprod, kI8mm };
const char* arm_int8_name(ArmInt8 p);
// The CPU's best path (getauxval), capped by TANDEM_ARM_INT8=portable|dotprod|i8mm and by
// limit_arm_int8; kPortable off aarch64.
ArmInt8 arm_int8_path();
// Caps the path from now on (tests compare each path with the portable one; kI8mm: no cap);
// returns the previous cap.
ArmInt8 limit_arm_int8(ArmInt8 max);
// Rows [r0, r1) x tokens [t0, t1) of a row-major quantized matmul on arm_int8_path();
// false when that is kPortable or the type is not one it covers.
bool arm_item_int8(const MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1);

// The Highway target matmul dispatches to now (an HWY_* bit), for tests.
int64_t matmul_target();

}  // namespace tandem::kernels::detail
