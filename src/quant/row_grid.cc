#include "quant/row_grid.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/quant/quant_blocks.h"
#include "kernels/quant/quant_formats.h"

namespace tandem::quant {
namespace {

using model::GgmlType;

bool is_k_quant(GgmlType t) {
  return t == GgmlType::Q4_K || t == GgmlType::Q6_K;
}

// fp16 round trip: the scale the file will actually store.
float as_stored(float v) {
  return kernels::fp16_to_f32(kernels::f32_to_fp16(v));
}

int nearest(float v) {
  return static_cast<int>(std::nearbyint(v));
}

}  // namespace

bool grid_supported(GgmlType type) {
  switch (type) {
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q8_0:
    case GgmlType::Q4_K:
    case GgmlType::Q6_K:
      return true;
    default:
      return false;
  }
}

RowGrid::RowGrid(GgmlType type, int64_t cols, int64_t group)
    : type_(type), cols_(cols), scale_(cols), offset_(cols), codes_(cols) {
  if (!grid_supported(type))
    throw std::invalid_argument("no quantization grid for type " +
                                std::string(model::type_name(type)));
  const int64_t block = model::traits(type).block_size;
  if (cols % block != 0)
    throw std::invalid_argument("rows of " + std::to_string(cols) + " are not whole " +
                                std::string(model::type_name(type)) + " blocks");
  if (is_k_quant(type)) {
    span_ = block;
    kblocks_.resize(model::row_bytes(type, cols));
  } else {
    if (group <= 0 || group % block != 0)
      throw std::invalid_argument("group size " + std::to_string(group) +
                                  " is not a positive multiple of " + std::to_string(block));
    span_ = group;
  }
}

void RowGrid::begin_span(int64_t col, std::span<const float> w) {
  const int64_t n = static_cast<int64_t>(w.size());
  switch (type_) {
    case GgmlType::Q4_0: {  // ggml's rule: the signed extreme maps to code 0 (-8)
      float amax = 0, max = 0;
      for (float v : w)
        if (amax < std::fabs(v)) amax = std::fabs(v), max = v;
      const float d = as_stored(max / -8);
      for (int64_t i = 0; i < n; ++i) scale_[col + i] = d, offset_[col + i] = -8 * d;
      break;
    }
    case GgmlType::Q4_1: {
      float min = FLT_MAX, max = -FLT_MAX;
      for (float v : w) min = std::min(min, v), max = std::max(max, v);
      const float d = as_stored((max - min) / 15), m = as_stored(min);
      for (int64_t i = 0; i < n; ++i) scale_[col + i] = d, offset_[col + i] = m;
      break;
    }
    case GgmlType::Q8_0: {
      float amax = 0;
      for (float v : w) amax = std::max(amax, std::fabs(v));
      const float d = as_stored(amax / 127);
      for (int64_t i = 0; i < n; ++i) scale_[col + i] = d, offset_[col + i] = 0;
      break;
    }
    case GgmlType::Q4_K: {
      // ggml's reference picks the super-block's 6-bit scales and mins; keep them.
      auto* b = reinterpret_cast<kernels::BlockQ4_K*>(kblocks_.data()) + col / kernels::kQK_K;
      kernels::quantize(type_, w.data(), b, kernels::kQK_K);
      const float d = kernels::fp16_to_f32(b->d), dmin = kernels::fp16_to_f32(b->dmin);
      for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        kernels::q4k_scale_min(j, b->scales, sc, m);
        for (int i = 0; i < 32; ++i)
          scale_[col + 32 * j + i] = d * sc, offset_[col + 32 * j + i] = -dmin * m;
      }
      break;
    }
    case GgmlType::Q6_K: {
      auto* b = reinterpret_cast<kernels::BlockQ6_K*>(kblocks_.data()) + col / kernels::kQK_K;
      kernels::quantize(type_, w.data(), b, kernels::kQK_K);
      const float d = kernels::fp16_to_f32(b->d);
      for (int j = 0; j < 16; ++j)
        for (int i = 0; i < 16; ++i)
          scale_[col + 16 * j + i] = d * b->scales[j], offset_[col + 16 * j + i] = 0;
      break;
    }
    default:
      break;
  }
}

float RowGrid::quantize(int64_t col, float w) {
  const float s = scale_[col], o = offset_[col];
  int lo = 0, hi = 15;
  if (type_ == GgmlType::Q8_0) lo = -128, hi = 127;
  if (type_ == GgmlType::Q6_K) lo = -32, hi = 31;
  int q = 0;
  if (s != 0.0f)
    q = std::clamp(nearest((w - o) / s), lo, hi);
  else if (type_ == GgmlType::Q4_0)
    q = 8;  // a zero scale decodes every code to 0
  codes_[col] = q;
  return s * static_cast<float>(q) + o;
}

void RowGrid::pack(uint8_t* out) const {
  using namespace kernels;
  const int64_t nb32 = cols_ / kQK;
  switch (type_) {
    case model::GgmlType::Q4_0: {
      auto* y = reinterpret_cast<BlockQ4_0*>(out);
      for (int64_t b = 0; b < nb32; ++b) {
        const int* q = codes_.data() + b * kQK;
        y[b].d = f32_to_fp16(scale_[b * kQK]);
        for (int j = 0; j < kQK / 2; ++j)
          y[b].qs[j] = static_cast<uint8_t>(q[j] | (q[j + 16] << 4));
      }
      return;
    }
    case model::GgmlType::Q4_1: {
      auto* y = reinterpret_cast<BlockQ4_1*>(out);
      for (int64_t b = 0; b < nb32; ++b) {
        const int* q = codes_.data() + b * kQK;
        y[b].d = f32_to_fp16(scale_[b * kQK]);
        y[b].m = f32_to_fp16(offset_[b * kQK]);
        for (int j = 0; j < kQK / 2; ++j)
          y[b].qs[j] = static_cast<uint8_t>(q[j] | (q[j + 16] << 4));
      }
      return;
    }
    case model::GgmlType::Q8_0: {
      auto* y = reinterpret_cast<BlockQ8_0*>(out);
      for (int64_t b = 0; b < nb32; ++b) {
        y[b].d = f32_to_fp16(scale_[b * kQK]);
        for (int j = 0; j < kQK; ++j) y[b].qs[j] = static_cast<int8_t>(codes_[b * kQK + j]);
      }
      return;
    }
    case model::GgmlType::Q4_K: {
      std::memcpy(out, kblocks_.data(), kblocks_.size());
      auto* y = reinterpret_cast<BlockQ4_K*>(out);
      for (int64_t b = 0; b < cols_ / kQK_K; ++b) {
        const int* L = codes_.data() + b * kQK_K;
        uint8_t* q = y[b].qs;
        for (int j = 0; j < kQK_K; j += 64, q += 32)
          for (int l = 0; l < 32; ++l) q[l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
      }
      return;
    }
    case model::GgmlType::Q6_K: {
      std::memcpy(out, kblocks_.data(), kblocks_.size());
      auto* y = reinterpret_cast<BlockQ6_K*>(out);
      for (int64_t b = 0; b < cols_ / kQK_K; ++b) {
        int L[kQK_K];
        for (int i = 0; i < kQK_K; ++i) L[i] = codes_[b * kQK_K + i] + 32;
        uint8_t* ql = y[b].ql;
        uint8_t* qh = y[b].qh;
        for (int j = 0; j < kQK_K; j += 128, ql += 64, qh += 32) {
          for (int l = 0; l < 32; ++l) {
            ql[l] = static_cast<uint8_t>((L[j + l] & 0xF) | ((L[j + l + 64] & 0xF) << 4));
            ql[l + 32] = static_cast<uint8_t>((L[j + l + 32] & 0xF) | ((L[j + l + 96] & 0xF) << 4));
            qh[l] = static_cast<uint8_t>((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) |
                                         ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
          }
        }
      }
      return;
    }
    default:
      return;
  }
}

void rtn_row(GgmlType type, int64_t group, std::span<const float> w, uint8_t* out) {
  const int64_t cols = static_cast<int64_t>(w.size());
  // The block-sized group is exactly ggml's reference quantizer: use it, bit for bit.
  if (!grid_supported(type) || is_k_quant(type) || group == model::traits(type).block_size) {
    kernels::quantize(type, w.data(), out, cols);
    return;
  }
  RowGrid g(type, cols, group);
  for (int64_t c = 0; c < cols; c += g.span()) {
    const int64_t n = std::min(g.span(), cols - c);
    g.begin_span(c, w.subspan(c, n));
    for (int64_t i = c; i < c + n; ++i) g.quantize(i, w[i]);
  }
  g.pack(out);
}

void fake_quant_row(GgmlType type, int64_t group, std::span<const float> w, std::span<float> out) {
  std::vector<uint8_t> bytes(model::row_bytes(type, static_cast<int64_t>(w.size())));
  rtn_row(type, group, w, bytes.data());
  kernels::dequantize(type, bytes.data(), out.data(), static_cast<int64_t>(w.size()));
}

}  // namespace tandem::quant
