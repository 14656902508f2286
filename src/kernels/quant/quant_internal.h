// Per-type reference (de)quantizers behind kernels::quantize / kernels::dequantize.
#pragma once

#include <cstdint>
#include <cstring>

namespace tandem::kernels::detail {

// ggml's GROUP_MAX_EPS: groups whose largest magnitude is below it quantize to zero.
inline constexpr float kGroupMaxEps = 1e-15f;

// Round to nearest via the 1.5*2^23 trick (ties to even), valid for |f| <= 2^22.
inline int nearest_int(float f) {
  const float val = f + 12582912.f;
  int i;
  std::memcpy(&i, &val, sizeof i);
  return (i & 0x007fffff) - 0x00400000;
}

// Asymmetric quantization of n values to [0, nmax] with a fitted min (ggml's
// make_qkx2_quants): tries nstep+1 scales and keeps the weighted best, by squared error or,
// with use_mad, by absolute error (Q2_K). Returns the scale; *the_min gets -min.
float make_qkx2_quants(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                       float* the_min, uint8_t* Laux, float rmin, float rdelta, int nstep,
                       bool use_mad);

// k is the element count, a multiple of the type's block size.
void quantize_q4_0(const float* x, void* y, int64_t k);
void quantize_q4_1(const float* x, void* y, int64_t k);
void quantize_q5_0(const float* x, void* y, int64_t k);
void quantize_q5_1(const float* x, void* y, int64_t k);
void quantize_q5_k(const float* x, void* y, int64_t k);
void quantize_iq4_nl(const float* x, void* y, int64_t k);
void quantize_q8_0(const float* x, void* y, int64_t k);
void quantize_q4_k(const float* x, void* y, int64_t k);
void quantize_q6_k(const float* x, void* y, int64_t k);
void quantize_q2_k(const float* x, void* y, int64_t k);
void quantize_q3_k(const float* x, void* y, int64_t k);
void quantize_iq4_xs(const float* x, void* y, int64_t k);

void dequantize_q4_0(const void* x, float* y, int64_t k);
void dequantize_q4_1(const void* x, float* y, int64_t k);
void dequantize_q5_0(const void* x, float* y, int64_t k);
void dequantize_q5_1(const void* x, float* y, int64_t k);
void dequantize_q5_k(const void* x, float* y, int64_t k);
void dequantize_iq4_nl(const void* x, float* y, int64_t k);
void dequantize_q8_0(const void* x, float* y, int64_t k);
void dequantize_q4_k(const void* x, float* y, int64_t k);
void dequantize_q6_k(const void* x, float* y, int64_t k);
void dequantize_q2_k(const void* x, float* y, int64_t k);
void dequantize_q3_k(const void* x, float* y, int64_t k);
void dequantize_iq4_xs(const void* x, float* y, int64_t k);

}  // namespace tandem::kernels::detail
