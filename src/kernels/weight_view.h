// A weight matrix as stored in the file: `rows` rows of `cols` elements in ggml blocks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/ggml_types.h"

namespace tandem::kernels {

struct WeightView {
  model::GgmlType type = model::GgmlType::F32;
  int64_t rows = 0;
  int64_t cols = 0;
  const uint8_t* data = nullptr;
  size_t row_bytes = 0;  // bytes between consecutive rows
  // The same matrix as 16-row panels (see packed_weights.h), or null. When set, matmul
  // reads only these; data still serves dequantize_row.
  const uint8_t* packed = nullptr;

  bool empty() const { return data == nullptr; }
  const uint8_t* row(int64_t r) const { return data + static_cast<size_t>(r) * row_bytes; }
};

}  // namespace tandem::kernels
