// Layer norm and the activations of ViT / Whisper encoders (the decoder uses ops.h).
#pragma once

#include <cstdint>

namespace tandem::kernels {

// out[i] = (x[i] - mean) / sqrt(var + eps) * w[i] + b[i] over n values (PyTorch LayerNorm,
// ggml_norm then mul and add). w or b may be null (then 1 and 0). out may alias x.
void layer_norm(const float* x, const float* w, const float* b, float* out, int64_t n, float eps);

// In place over n values.
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))  (ggml_gelu, torch gelu approximate="tanh")
void gelu_tanh(float* x, int64_t n);
// 0.5 x (1 + erf(x / sqrt(2)))  (ggml_gelu_erf, torch gelu)
void gelu_erf(float* x, int64_t n);
// x * sigmoid(1.702 x)  (ggml_gelu_quick, CLIP's quick_gelu)
void gelu_quick(float* x, int64_t n);
// x * sigmoid(x)
void silu(float* x, int64_t n);

}  // namespace tandem::kernels
