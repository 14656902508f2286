#include "kernels/packed_weights.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/matmul_internal.h"
#include "kernels/quant/quant_blocks.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;

int64_t round_up(int64_t n, int64_t m) {
  return (n + m - 1) / m * m;
}

// Q4_0: lane r of vector v gets qs[4v .. 4v+3] of row r's block.
void pack_q4_0(const uint8_t* row, int64_t nb, int64_t r, uint8_t* panel, const PackedLayout& L) {
  const auto* blk = reinterpret_cast<const BlockQ4_0*>(row);
  auto* d = reinterpret_cast<uint16_t*>(panel + L.nb * L.quant_bytes);
  for (int64_t b = 0; b < nb; ++b) {
    uint8_t* q = panel + b * L.quant_bytes;
    for (int v = 0; v < 4; ++v) std::memcpy(q + v * 64 + r * 4, blk[b].qs + 4 * v, 4);
    d[b * kPanelRows + r] = blk[b].d;
  }
}

// Q8_0: as Q4_0 with 8 vectors of bytes, offset by 128 so they are the unsigned operand.
void pack_q8_0(const uint8_t* row, int64_t nb, int64_t r, uint8_t* panel, const PackedLayout& L) {
  const auto* blk = reinterpret_cast<const BlockQ8_0*>(row);
  auto* d = reinterpret_cast<uint16_t*>(panel + L.nb * L.quant_bytes);
  for (int64_t b = 0; b < nb; ++b) {
    uint8_t* q = panel + b * L.quant_bytes;
    for (int k = 0; k < kQK; ++k)
      q[(k / 4) * 64 + r * 4 + k % 4] = static_cast<uint8_t>(blk[b].qs[k] ^ 0x80);
    d[b * kPanelRows + r] = blk[b].d;
  }
}

// Q4_K: 32 nibble vectors per super-block, then d, dmin and the unpacked 6-bit scales/mins.
void pack_q4_k(const uint8_t* row, int64_t nb, int64_t r, uint8_t* panel, const PackedLayout& L) {
  const auto* blk = reinterpret_cast<const BlockQ4_K*>(row);
  for (int64_t b = 0; b < nb; ++b) {
    uint8_t* q = panel + b * L.quant_bytes;
    for (int p = 0; p < 4; ++p)
      for (int v = 0; v < 8; ++v)
        std::memcpy(q + (8 * p + v) * 64 + r * 4, blk[b].qs + 32 * p + 4 * v, 4);
    uint8_t* s = panel + L.nb * L.quant_bytes + b * L.scale_bytes;
    std::memcpy(s + 2 * r, &blk[b].d, 2);
    std::memcpy(s + 32 + 2 * r, &blk[b].dmin, 2);
    for (int j = 0; j < 8; ++j)
      q4k_scale_min(j, blk[b].scales, s[64 + 16 * j + r], s[192 + 16 * j + r]);
  }
}

// The 256 unsigned 6-bit values of a Q6_K super-block in element order (ggml's layout:
// each 128-half keeps the low nibbles of elements l and l+64 in ql[l], of l+32 and l+96 in
// ql[l+32], and the top 2 bits of l, l+32, l+64, l+96 in qh[l]).
void q6k_values(const BlockQ6_K& b, uint8_t* out) {
  for (int n = 0; n < 2; ++n)
    for (int l = 0; l < 32; ++l) {
      const uint8_t lo0 = b.ql[64 * n + l], lo1 = b.ql[64 * n + 32 + l], h = b.qh[32 * n + l];
      uint8_t* o = out + 128 * n + l;
      o[0] = static_cast<uint8_t>((lo0 & 0xF) | ((h & 3) << 4));
      o[32] = static_cast<uint8_t>((lo1 & 0xF) | (((h >> 2) & 3) << 4));
      o[64] = static_cast<uint8_t>((lo0 >> 4) | (((h >> 4) & 3) << 4));
      o[96] = static_cast<uint8_t>((lo1 >> 4) | (((h >> 6) & 3) << 4));
    }
}

void pack_q6_k(const uint8_t* row, int64_t nb, int64_t r, uint8_t* panel, const PackedLayout& L) {
  const auto* blk = reinterpret_cast<const BlockQ6_K*>(row);
  uint8_t vals[kQK_K];
  for (int64_t b = 0; b < nb; ++b) {
    q6k_values(blk[b], vals);
    uint8_t* q = panel + b * L.quant_bytes + r * 4;
    uint8_t* h = q + 32 * 64;
    for (int v = 0; v < 8; ++v)
      for (int k = 0; k < 4; ++k) {
        const int e = 4 * v + k;  // element within a sub-block
        for (int p = 0; p < 4; ++p)
          q[(8 * p + v) * 64 + k] =
              static_cast<uint8_t>((vals[64 * p + e] & 0xF) | ((vals[64 * p + 32 + e] & 0xF) << 4));
        for (int g = 0; g < 2; ++g) {
          int bits = 0;
          for (int m = 0; m < 4; ++m) bits |= (vals[128 * g + 32 * m + e] >> 4) << (2 * m);
          h[(8 * g + v) * 64 + k] = static_cast<uint8_t>(bits);
        }
      }
    uint8_t* s = panel + L.nb * L.quant_bytes + b * L.scale_bytes;
    std::memcpy(s + 2 * r, &blk[b].d, 2);
    for (int i = 0; i < 16; ++i) s[32 + 16 * i + r] = static_cast<uint8_t>(blk[b].scales[i]);
  }
}

// size bytes of zeroed memory in a fresh anonymous mapping (mapped = its length): the
// kernel zeroes the pages as they are first written, so packing writes each byte once.
// (Transparent huge pages were tried: they cut page faults but made some loads stall for
// seconds in compaction.)
uint8_t* map_zeroed(size_t size, size_t& mapped) {
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  mapped = (size + page - 1) / page * page;
  void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

}  // namespace

void PackedWeights::Unmap::operator()(uint8_t* p) const {
  ::munmap(p, bytes);
}

bool packable(GgmlType t) {
  return t == GgmlType::Q4_0 || t == GgmlType::Q8_0 || t == GgmlType::Q4_K || t == GgmlType::Q6_K;
}

PackedLayout packed_layout(GgmlType t, int64_t cols) {
  PackedLayout L;
  switch (t) {
    case GgmlType::Q4_0:
      L = {0, kQK, 4 * 64, kPanelRows * 2, 0};
      break;
    case GgmlType::Q8_0:
      L = {0, kQK, 8 * 64, kPanelRows * 2, 0};
      break;
    case GgmlType::Q4_K:
      L = {0, kQK_K, 32 * 64, kPanelRows * (2 + 2 + 8 + 8), 0};
      break;
    case GgmlType::Q6_K:
      L = {0, kQK_K, 48 * 64, kPanelRows * (2 + 16), 0};
      break;
    default:
      throw std::invalid_argument("packed_layout: no packed layout for type " +
                                  std::string(model::type_name(t)));
  }
  if (cols <= 0 || cols % L.block_cols != 0)
    throw std::invalid_argument("packed_layout: " + std::to_string(cols) +
                                " columns are not whole blocks of " + std::to_string(L.block_cols));
  L.nb = cols / L.block_cols;
  L.panel_bytes = round_up(L.nb * (L.quant_bytes + L.scale_bytes), 64);
  return L;
}

bool packing_pays(const WeightView& w) {
  static const bool disabled = detail::env_flag("TANDEM_NO_REPACK");
  if (disabled || !packable(w.type) || !detail::packed_kernel_native(w.type)) return false;
  const int64_t block = model::traits(w.type).block_size;
  return w.rows > 0 && w.cols > 0 && w.cols % block == 0;
}

PackedWeights PackedWeights::pack(const WeightView& w) {
  const PackedLayout L = packed_layout(w.type, w.cols);
  const int64_t panels = (w.rows + kPanelRows - 1) / kPanelRows;
  PackedWeights out;
  out.size_ = static_cast<size_t>(std::max<int64_t>(panels, 1) * L.panel_bytes);
  size_t mapped = 0;
  out.buf_ = std::unique_ptr<uint8_t, Unmap>(map_zeroed(out.size_, mapped), Unmap{mapped});
  for (int64_t r = 0; r < w.rows; ++r) {
    uint8_t* panel = out.buf_.get() + (r / kPanelRows) * L.panel_bytes;
    const int64_t lane = r % kPanelRows;
    switch (w.type) {
      case GgmlType::Q4_0:
        pack_q4_0(w.row(r), L.nb, lane, panel, L);
        break;
      case GgmlType::Q8_0:
        pack_q8_0(w.row(r), L.nb, lane, panel, L);
        break;
      case GgmlType::Q4_K:
        pack_q4_k(w.row(r), L.nb, lane, panel, L);
        break;
      default:
        pack_q6_k(w.row(r), L.nb, lane, panel, L);
        break;
    }
  }
  return out;
}

}  // namespace tandem::kernels
