// Elementwise and per-row operations of the transformer (not matmul, not attention).
#pragma once

#include <cstdint>

namespace tandem::kernels {

// out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i]; out may alias x.
void rmsnorm(const float* x, const float* weight, float* out, int64_t n, float eps);

// Rotary embedding applied in place to n_heads heads of head_dim floats at x.
// neox=false: pairs (2i, 2i+1) (ggml "normal", Llama); neox=true: pairs (i, i + rot/2)
// (Qwen2/3, GPT-NeoX). Only the first `rot_dims` dims of each head rotate.
// theta_i = pos * freq_scale * base^(-2i/rot_dims) / freq_factors[i] (factors may be null).
struct RopeParams {
  int64_t head_dim = 0;
  int64_t rot_dims = 0;
  float freq_base = 10000.0f;
  float freq_scale = 1.0f;
  bool neox = false;
  const float* freq_factors = nullptr;  // rot_dims/2 entries or null
  // YaRN (ggml's rope_yarn): ext_factor 1 ramps each pair between interpolated and
  // extrapolated angles over corr_dims; attn_factor scales cos and sin.
  float ext_factor = 0.0f;
  float attn_factor = 1.0f;
  float corr_dims[2] = {0.0f, 0.0f};
};
// ggml_rope_yarn_corr_dims: the pair range over which YaRN ramps, for a model trained on
// n_ctx_orig positions.
void yarn_corr_dims(int64_t rot_dims, int64_t n_ctx_orig, float freq_base, float beta_fast,
                    float beta_slow, float dims[2]);
void rope(float* x, int64_t n_heads, int64_t pos, const RopeParams& p);

// In-place numerically stable softmax over n values.
void softmax(float* x, int64_t n);

// gate[i] = silu(gate[i]) * up[i]
void silu_mul(float* gate, const float* up, int64_t n);

// gate[i] = gelu_tanh(gate[i]) * up[i]  (GeGLU, Gemma's FFN)
void gelu_mul(float* gate, const float* up, int64_t n);

// y[i] += x[i]
void add(float* y, const float* x, int64_t n);

}  // namespace tandem::kernels
