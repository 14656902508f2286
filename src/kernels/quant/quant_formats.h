// ggml block layouts and scalar reference (de)quantization, bit-exact with ggml.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/ggml_types.h"

namespace tandem::kernels {

float fp16_to_f32(uint16_t h);
uint16_t f32_to_fp16(float f);  // round to nearest even, like ggml's GGML_FP32_TO_FP16
float bf16_to_f32(uint16_t h);
uint16_t f32_to_bf16(float f);  // round to nearest even, NaN preserved, like ggml

// n elements of type `type` at src -> dst floats. n must be a multiple of the block size.
void dequantize(model::GgmlType type, const void* src, float* dst, int64_t n);
// n floats -> n elements of `type` at dst, with ggml's reference quantizers
// (quantize_row_*_ref). Supports F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL (not
// ggml's search), Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS.
void quantize(model::GgmlType type, const float* src, void* dst, int64_t n);
bool can_quantize(model::GgmlType type);

}  // namespace tandem::kernels
