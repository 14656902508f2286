// Weights repacked at load time into 16-row panels for the int8 dot-product kernels.
//
// A file's row-major blocks make every 32-element dot end in a horizontal reduction and a
// float scale per (row, token, block). In a panel, each 64-byte vector holds 4 consecutive
// weights of 16 rows, so one vpdpbusd with a broadcast activation word advances 16 output
// rows by 4 elements, the lanes never need reducing, and the float work is one scale per
// (16 rows, token, block). The packed bytes are the same size as the file's (plus padding to
// whole panels), so decode reads no more memory than before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/weight_view.h"

namespace tandem::kernels {

inline constexpr int64_t kPanelRows = 16;

// Per-panel geometry of one packed type: nb blocks per row; for block b the quant vectors
// start at b * quant_bytes and the scales at nb * quant_bytes + b * scale_bytes.
//   Q4_0 (32-blocks):  4 vectors; vector v, lane r, byte j = qs_r[4v + j] (low nibble is
//                      element 4v + j, high nibble element 16 + 4v + j); 16 fp16 d.
//   Q8_0 (32-blocks):  8 vectors; vector v, lane r, byte j = qs_r[4v + j] + 128 (unsigned);
//                      16 fp16 d.
//   Q4_K (256-blocks): 32 vectors; vector 8p + v, lane r, byte j = qs_r[32p + 4v + j] (low
//                      nibble in sub-block 2p, high in 2p + 1, element 4v + j); then 16 fp16
//                      d, 16 fp16 dmin, 8 x 16 six-bit scales, 8 x 16 six-bit mins (bytes).
//   Q6_K (256-blocks): the low nibbles of the 6-bit values q (0..63) as Q4_K's 32 vectors,
//                      then 16 vectors of their top 2 bits: vector 8(j/4) + v, lane r, byte j'
//                      holds sub-block j's element 4v + j' in bits 2(j%4) .. 2(j%4)+1; then
//                      16 fp16 d and 16 x 16 int8 scales (one per 16 elements, w = d*sc*(q-32)).
// Rows past the matrix's end (the last panel) are zero with zero scales.
struct PackedLayout {
  int64_t nb = 0;
  int64_t block_cols = 0;
  int64_t quant_bytes = 0;
  int64_t scale_bytes = 0;
  int64_t panel_bytes = 0;  // rounded up to 64 so every panel starts cache-line aligned
};

// True for the types a packed layout exists for (Q4_0, Q8_0, Q4_K, Q6_K).
bool packable(model::GgmlType t);
// Throws std::invalid_argument unless packable(t) and cols is a whole number of blocks.
PackedLayout packed_layout(model::GgmlType t, int64_t cols);

// True when packing w makes matmul faster on this CPU: the type is packable and the CPU
// runs a native packed kernel for it (AVX-512 VNNI + GFNI; AVX2, where Q8_0 needs AVX-VNNI).
// TANDEM_NO_REPACK=1 in the environment turns packing off (for comparisons).
bool packing_pays(const WeightView& w);

// Owns one matrix's packed panels (64-byte aligned).
class PackedWeights {
 public:
  PackedWeights() = default;
  const uint8_t* data() const { return buf_.get(); }
  size_t size() const { return size_; }

  // Packs w (any packable type, whatever the CPU); w.packed is ignored.
  static PackedWeights pack(const WeightView& w);

 private:
  // Packed panels live in their own anonymous mapping (zeroed by the kernel, huge-page
  // aligned when large); this unmaps it.
  struct Unmap {
    size_t bytes;  // no initializer: it must be default-constructible inside the class
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, Unmap> buf_;
  size_t size_ = 0;
};

}  // namespace tandem::kernels
