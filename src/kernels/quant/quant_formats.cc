#include "kernels/quant/quant_formats.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels/quant/quant_blocks.h"
#include "kernels/quant/quant_internal.h"

namespace tandem::kernels {

using model::GgmlType;

float fp16_to_f32(uint16_t h) {
  return half_to_float(h);
}

// ggml's portable conversion: scaling by 2^112 then 2^-110 makes the FPU do the
// round-to-nearest-even for normals, subnormals and overflow alike; NaN -> 0x7E00.
uint16_t f32_to_fp16(float f) {
  float base = (std::fabs(f) * 0x1.0p+112f) * 0x1.0p-110f;
  const uint32_t w = f32_to_bits(f);
  const uint32_t shl1_w = w + w;
  const uint32_t sign = w & 0x80000000u;
  uint32_t bias = shl1_w & 0xFF000000u;
  if (bias < 0x71000000u) bias = 0x71000000u;
  base = bits_to_f32((bias >> 1) + 0x07800000u) + base;
  const uint32_t bits = f32_to_bits(base);
  const uint32_t exp_bits = (bits >> 13) & 0x00007C00u;
  const uint32_t mantissa_bits = bits & 0x00000FFFu;
  const uint32_t nonsign = exp_bits + mantissa_bits;
  return static_cast<uint16_t>((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}

float bf16_to_f32(uint16_t h) {
  return bits_to_f32(static_cast<uint32_t>(h) << 16);
}

uint16_t f32_to_bf16(float f) {
  const uint32_t u = f32_to_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 64);  // quiet NaN
  return static_cast<uint16_t>((u + (0x7fffu + ((u >> 16) & 1))) >> 16);
}

namespace {

[[noreturn]] void unsupported(GgmlType type, const char* what) {
  std::string name;
  try {
    name = std::string(model::type_name(type));
  } catch (const std::invalid_argument&) {
    name = "type " + std::to_string(static_cast<uint32_t>(type));
  }
  throw std::invalid_argument(std::string(what) + " does not support tensor type " + name);
}

void check_multiple(GgmlType type, int64_t n) {
  const int64_t bs = model::traits(type).block_size;
  if (n < 0 || n % bs != 0)
    throw std::invalid_argument(std::to_string(n) + " elements is not a whole number of " +
                                std::string(model::type_name(type)) + " blocks");
}

}  // namespace

void dequantize(GgmlType type, const void* src, float* dst, int64_t n) {
  switch (type) {
    case GgmlType::F32:
      if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      return;
    case GgmlType::F16: {
      const auto* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_f32(s[i]);
      return;
    }
    case GgmlType::BF16: {
      const auto* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(s[i]);
      return;
    }
    case GgmlType::Q4_0:
      check_multiple(type, n);
      return detail::dequantize_q4_0(src, dst, n);
    case GgmlType::Q4_1:
      check_multiple(type, n);
      return detail::dequantize_q4_1(src, dst, n);
    case GgmlType::Q5_0:
      check_multiple(type, n);
      return detail::dequantize_q5_0(src, dst, n);
    case GgmlType::Q5_1:
      check_multiple(type, n);
      return detail::dequantize_q5_1(src, dst, n);
    case GgmlType::IQ4_NL:
      check_multiple(type, n);
      return detail::dequantize_iq4_nl(src, dst, n);
    case GgmlType::Q8_0:
      check_multiple(type, n);
      return detail::dequantize_q8_0(src, dst, n);
    case GgmlType::Q4_K:
      check_multiple(type, n);
      return detail::dequantize_q4_k(src, dst, n);
    case GgmlType::Q5_K:
      check_multiple(type, n);
      return detail::dequantize_q5_k(src, dst, n);
    case GgmlType::Q6_K:
      check_multiple(type, n);
      return detail::dequantize_q6_k(src, dst, n);
    case GgmlType::Q2_K:
      check_multiple(type, n);
      return detail::dequantize_q2_k(src, dst, n);
    case GgmlType::Q3_K:
      check_multiple(type, n);
      return detail::dequantize_q3_k(src, dst, n);
    case GgmlType::IQ4_XS:
      check_multiple(type, n);
      return detail::dequantize_iq4_xs(src, dst, n);
    default:
      unsupported(type, "dequantize");
  }
}

void quantize(GgmlType type, const float* src, void* dst, int64_t n) {
  switch (type) {
    case GgmlType::F32:
      if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      return;
    case GgmlType::F16: {
      auto* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = f32_to_fp16(src[i]);
      return;
    }
    case GgmlType::BF16: {
      auto* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = f32_to_bf16(src[i]);
      return;
    }
    case GgmlType::Q4_0:
      check_multiple(type, n);
      return detail::quantize_q4_0(src, dst, n);
    case GgmlType::Q4_1:
      check_multiple(type, n);
      return detail::quantize_q4_1(src, dst, n);
    case GgmlType::Q5_0:
      check_multiple(type, n);
      return detail::quantize_q5_0(src, dst, n);
    case GgmlType::Q5_1:
      check_multiple(type, n);
      return detail::quantize_q5_1(src, dst, n);
    case GgmlType::IQ4_NL:
      check_multiple(type, n);
      return detail::quantize_iq4_nl(src, dst, n);
    case GgmlType::Q8_0:
      check_multiple(type, n);
      return detail::quantize_q8_0(src, dst, n);
    case GgmlType::Q4_K:
      check_multiple(type, n);
      return detail::quantize_q4_k(src, dst, n);
    case GgmlType::Q5_K:
      check_multiple(type, n);
      return detail::quantize_q5_k(src, dst, n);
    case GgmlType::Q6_K:
      check_multiple(type, n);
      return detail::quantize_q6_k(src, dst, n);
    case GgmlType::Q2_K:
      check_multiple(type, n);
      return detail::quantize_q2_k(src, dst, n);
    case GgmlType::Q3_K:
      check_multiple(type, n);
      return detail::quantize_q3_k(src, dst, n);
    case GgmlType::IQ4_XS:
      check_multiple(type, n);
      return detail::quantize_iq4_xs(src, dst, n);
    default:
      unsupported(type, "quantize");
  }
}

bool can_quantize(GgmlType type) {
  switch (type) {
    case GgmlType::F32:
    case GgmlType::F16:
    case GgmlType::BF16:
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q5_0:
    case GgmlType::Q5_1:
    case GgmlType::IQ4_NL:
    case GgmlType::Q8_0:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
    case GgmlType::Q6_K:
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::IQ4_XS:
      return true;
    default:
      return false;
  }
}

}  // namespace tandem::kernels
