// Puts one weight row on a ggml block type's grid column by column, with the grid's
// parameters fixed when a span of columns starts (GPTQ needs exactly that), then packs
// the chosen codes into the type's blocks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/ggml_types.h"

namespace tandem::quant {

// Types GPTQ/grouped RTN can target: Q4_0, Q4_1, Q8_0 (any group that is a multiple of 32)
// and Q4_K, Q6_K (their own 256-element super-blocks).
bool grid_supported(model::GgmlType type);

class RowGrid {
 public:
  // group: columns sharing one scale (and min) for the 32-block types; ignored for K-quants.
  RowGrid(model::GgmlType type, int64_t cols, int64_t group);

  // Columns whose parameters are fixed together: the group, or 256 for K-quants.
  int64_t span() const { return span_; }
  // Fixes the parameters of the span starting at `col` from the current values w (the
  // span's columns, already error-corrected by GPTQ).
  void begin_span(int64_t col, std::span<const float> w);
  // Rounds w at `col` onto the fixed grid; returns the value the stored code decodes to.
  float quantize(int64_t col, float w);
  // The row's bytes in the type's block layout (model::row_bytes(type, cols) of them).
  void pack(uint8_t* out) const;

 private:
  model::GgmlType type_;
  int64_t cols_;
  int64_t span_;
  std::vector<float> scale_;      // per element: step of the grid
  std::vector<float> offset_;     // per element: value of code 0 (Q4_1/Q4_K) or zero-point use
  std::vector<int> codes_;        // per element, in the type's code range
  std::vector<uint8_t> kblocks_;  // K-quants: reference blocks holding scales of each span
};

// Round-to-nearest of a whole row with groups of `group` columns (group == block size
// gives exactly ggml's reference quantizer for the 32-block types).
void rtn_row(model::GgmlType type, int64_t group, std::span<const float> w, uint8_t* out);
// rtn_row followed by dequantization: the values the quantized row computes with.
void fake_quant_row(model::GgmlType type, int64_t group, std::span<const float> w,
                    std::span<float> out);

}  // namespace tandem::quant
