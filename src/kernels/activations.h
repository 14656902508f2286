// Activation functions of the media encoders (Whisper, ViT) beyond the language model's SiLU.
#pragma once

#include <cstdint>

namespace tandem::kernels {

// x[i] = 0.5 x (1 + erf(x / sqrt(2))): the exact GELU (ggml_gelu_erf, torch's default
// nn.GELU()), in place. erf is the Abramowitz-Stegun 7.1.26 rational form (|error| <=
// 1.5e-7) vectorised with Highway; the result is within 3e-7 (1 + |x|) of the exact one.
void gelu_erf(float* x, int64_t n);

}  // namespace tandem::kernels
