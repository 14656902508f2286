// Packed-panel matmul in plain loops: reads the layout packed_weights.h describes, one
// (row, token) dot at a time, with the same integer dots and per-block float scaling as the
// native kernel. Slow; it exists for CPUs without the native kernel and as its test oracle.
#include <algorithm>

#include "kernels/matmul_internal.h"
#include "kernels/packed_weights.h"
#include "kernels/quant/quant_blocks.h"

namespace tandem::kernels::detail {
namespace {

using model::GgmlType;

// Integer dot of row lane r of 32-block b (Q4_0 / Q8_0) with 32 activations, weights taken
// as stored (unsigned) minus the type's offset.
int32_t dot_block32(GgmlType t, const uint8_t* q, int r, const int8_t* x) {
  int32_t sum = 0;
  for (int k = 0; k < kQK; ++k) {
    int w;
    if (t == GgmlType::Q4_0) {
      const uint8_t byte = q[((k % 16) / 4) * 64 + r * 4 + k % 4];
      w = (k < 16 ? byte & 0xF : byte >> 4) - 8;
    } else {
      w = static_cast<int>(q[(k / 4) * 64 + r * 4 + k % 4]) - 128;
    }
    sum += w * x[k];
  }
  return sum;
}

// Unsigned nibble dot of lane r of sub-block j of a Q4_K super-block.
int32_t dot_q4k_sub(const uint8_t* q, int j, int r, const int8_t* x) {
  int32_t sum = 0;
  for (int k = 0; k < kQK; ++k) {
    const uint8_t byte = q[(8 * (j / 2) + k / 4) * 64 + r * 4 + k % 4];
    sum += ((j % 2) ? byte >> 4 : byte & 0xF) * x[k];
  }
  return sum;
}

// Signed 6-bit value of lane r, element k of sub-block j of a packed Q6_K super-block.
int q6k_at(const uint8_t* q, int j, int k, int r) {
  const int v = k / 4, lane = r * 4 + k % 4;
  const int low = (q[(8 * (j / 2) + v) * 64 + lane] >> (4 * (j % 2))) & 0xF;
  const int high = (q[(32 + 8 * (j / 4) + v) * 64 + lane] >> (2 * (j % 4))) & 3;
  return (low | (high << 4)) - 32;
}

float dot_row(const MatmulArgs& a, const PackedLayout& L, const uint8_t* panel, int r, int64_t t) {
  const GgmlType type = a.w->type;
  const int64_t nb32 = a.w->cols / kQK;
  // Token t's block i: the activations are tiled (matmul_internal.h).
  auto at = [&](int64_t i) { return act_index(t, i, nb32, a.acts.tiled); };
  const uint8_t* scales = panel + L.nb * L.quant_bytes;
  float acc = 0.0f;
  for (int64_t b = 0; b < L.nb; ++b) {
    const uint8_t* q = panel + b * L.quant_bytes;
    if (type == GgmlType::Q6_K) {
      const uint8_t* s = scales + b * L.scale_bytes;
      uint16_t dh;
      std::memcpy(&dh, s + 2 * r, 2);
      const float d = half_to_float(dh);
      for (int j = 0; j < 8; ++j) {
        const int64_t blk = b * 8 + j;
        const int8_t* x = a.acts.q + at(blk) * kQK;
        for (int half = 0; half < 2; ++half) {
          int32_t dot = 0;
          for (int k = 16 * half; k < 16 * half + 16; ++k) dot += q6k_at(q, j, k, r) * x[k];
          const auto sc = static_cast<int8_t>(s[32 + 16 * (2 * j + half) + r]);
          acc += d * static_cast<float>(sc) * a.acts.d[at(blk)] * static_cast<float>(dot);
        }
      }
    } else if (type == GgmlType::Q4_K) {
      const uint8_t* s = scales + b * L.scale_bytes;
      uint16_t dh, mh;
      std::memcpy(&dh, s + 2 * r, 2);
      std::memcpy(&mh, s + 32 + 2 * r, 2);
      const float d = half_to_float(dh), dmin = half_to_float(mh);
      for (int j = 0; j < 8; ++j) {
        const int64_t blk = b * 8 + j;
        const int32_t dot = dot_q4k_sub(q, j, r, a.acts.q + at(blk) * kQK);
        acc += d * s[64 + 16 * j + r] * a.acts.d[at(blk)] * static_cast<float>(dot);
        acc -= dmin * s[192 + 16 * j + r] * a.acts.s[at(blk)];
      }
    } else {
      uint16_t dh;
      std::memcpy(&dh, scales + (b * kPanelRows + r) * 2, 2);
      const int32_t dot = dot_block32(type, q, r, a.acts.q + at(b) * kQK);
      acc += half_to_float(dh) * a.acts.d[at(b)] * static_cast<float>(dot);
    }
  }
  return acc;
}

}  // namespace

void packed_items_portable(const MatmulArgs& a, int64_t begin, int64_t end) {
  const PackedLayout L = packed_layout(a.w->type, a.w->cols);
  const int64_t rows = a.w->rows;
  for_each_panel_run<1>(a, begin, end, [&](const uint8_t* p, int64_t r0, int64_t t, int) {
    const int n_rows = static_cast<int>(std::min(kPanelRows, rows - r0));
    for (int r = 0; r < n_rows; ++r) a.out[t * rows + r0 + r] = dot_row(a, L, p, r, t);
  });
}

}  // namespace tandem::kernels::detail
