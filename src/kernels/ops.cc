#include "kernels/ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/ops-inl.h"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include "kernels/ops-inl.h"

#if HWY_ONCE
#include "kernels/activations.h"

namespace tandem::kernels {

HWY_EXPORT(ScaleMul);
HWY_EXPORT(ExpShift);
HWY_EXPORT(Scale);
HWY_EXPORT(SiluMul);
HWY_EXPORT(Add);

void rmsnorm(const float* x, const float* weight, float* out, int64_t n, float eps) {
  if (n <= 0) return;
  double sum = 0.0;  // double like ggml, so long rows do not lose precision
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
  const float mean = static_cast<float>(sum / static_cast<double>(n));
  const float scale = 1.0f / std::sqrt(mean + eps);
  HWY_DYNAMIC_DISPATCH(ScaleMul)(x, weight, scale, out, n);
}

void rope(float* x, int64_t n_heads, int64_t pos, const RopeParams& p) {
  const int64_t rot = p.rot_dims;
  if (rot <= 0) return;
  const int64_t half = rot / 2;
  // Same recurrence as ggml_rope_cache_init: theta_i = pos * base^(-2i/rot), scaled and
  // divided by the per-frequency factor.
  const float theta_scale = std::pow(p.freq_base, -2.0f / static_cast<float>(rot));
  constexpr int64_t kStack = 256;
  float cos_buf[kStack], sin_buf[kStack];
  std::unique_ptr<float[]> heap;
  float* cs = cos_buf;
  float* sn = sin_buf;
  if (half > kStack) {
    heap = std::make_unique<float[]>(static_cast<size_t>(2 * half));
    cs = heap.get();
    sn = heap.get() + half;
  }
  float theta_extrap = static_cast<float>(pos);
  float mscale = p.attn_factor;
  if (p.ext_factor != 0.0f) mscale *= 1.0f + 0.1f * std::log(1.0f / p.freq_scale);
  for (int64_t i = 0; i < half; ++i) {
    const float ff = p.freq_factors ? p.freq_factors[i] : 1.0f;
    const float extrap = theta_extrap / ff;
    float theta = p.freq_scale * extrap;
    if (p.ext_factor != 0.0f) {
      const float y = (static_cast<float>(i) - p.corr_dims[0]) /
                      std::max(0.001f, p.corr_dims[1] - p.corr_dims[0]);
      const float ramp = (1.0f - std::min(1.0f, std::max(0.0f, y))) * p.ext_factor;
      theta = theta * (1.0f - ramp) + extrap * ramp;
    }
    cs[i] = std::cos(theta) * mscale;
    sn[i] = std::sin(theta) * mscale;
    theta_extrap *= theta_scale;
  }
  for (int64_t h = 0; h < n_heads; ++h) {
    float* v = x + h * p.head_dim;
    for (int64_t i = 0; i < half; ++i) {
      const int64_t a = p.neox ? i : 2 * i;
      const int64_t b = p.neox ? i + half : 2 * i + 1;
      const float x0 = v[a];
      const float x1 = v[b];
      v[a] = x0 * cs[i] - x1 * sn[i];
      v[b] = x0 * sn[i] + x1 * cs[i];
    }
  }
}

void yarn_corr_dims(int64_t rot_dims, int64_t n_ctx_orig, float freq_base, float beta_fast,
                    float beta_slow, float dims[2]) {
  const float n = static_cast<float>(rot_dims);
  auto corr_dim = [&](float n_rot) {
    return n *
           std::log(static_cast<float>(n_ctx_orig) / (n_rot * 2.0f * std::numbers::pi_v<float>)) /
           (2.0f * std::log(freq_base));
  };
  dims[0] = std::max(0.0f, std::floor(corr_dim(beta_fast)));
  dims[1] = std::min(n - 1.0f, std::ceil(corr_dim(beta_slow)));
}

void softmax(float* x, int64_t n) {
  if (n <= 0) return;
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) max = std::max(max, x[i]);
  HWY_DYNAMIC_DISPATCH(ExpShift)(x, max, n);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += x[i];
  HWY_DYNAMIC_DISPATCH(Scale)(x, static_cast<float>(1.0 / sum), n);
}

void silu_mul(float* gate, const float* up, int64_t n) {
  if (n > 0) HWY_DYNAMIC_DISPATCH(SiluMul)(gate, up, n);
}

void gelu_mul(float* gate, const float* up, int64_t n) {
  gelu_tanh(gate, n);
  for (int64_t i = 0; i < n; ++i) gate[i] *= up[i];
}

void add(float* y, const float* x, int64_t n) {
  if (n > 0) HWY_DYNAMIC_DISPATCH(Add)(y, x, n);
}

}  // namespace tandem::kernels
#endif  // HWY_ONCE
