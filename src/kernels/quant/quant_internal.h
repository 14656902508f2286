// Per-type reference (de)quantizers behind kernels::quantize / kernels::dequantize.
#pragma once

#include <cstdint>

namespace tandem::kernels::detail {

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

void dequantize_q4_0(const void* x, float* y, int64_t k);
void dequantize_q4_1(const void* x, float* y, int64_t k);
void dequantize_q5_0(const void* x, float* y, int64_t k);
void dequantize_q5_1(const void* x, float* y, int64_t k);
void dequantize_q5_k(const void* x, float* y, int64_t k);
void dequantize_iq4_nl(const void* x, float* y, int64_t k);
void dequantize_q8_0(const void* x, float* y, int64_t k);
void dequantize_q4_k(const void* x, float* y, int64_t k);
void dequantize_q6_k(const void* x, float* y, int64_t k);

}  // namespace tandem::kernels::detail
