#include "kernels/attention.h"

#include <algorithm>
#include <cmath>

namespace tandem::kernels {

void attend_head(const float* q, const float* k, const float* v, size_t stride, int64_t n_kv,
                 int64_t head_dim, float scale, float* scores, float* out) {
  float max_score = -INFINITY;
  for (int64_t j = 0; j < n_kv; ++j) {
    const float* kj = k + static_cast<size_t>(j) * stride;
    float s = 0.0f;
    for (int64_t d = 0; d < head_dim; ++d) s += q[d] * kj[d];
    scores[j] = s * scale;
    max_score = std::max(max_score, scores[j]);
  }
  float sum = 0.0f;
  for (int64_t j = 0; j < n_kv; ++j) {
    scores[j] = std::exp(scores[j] - max_score);
    sum += scores[j];
  }
  const float inv = 1.0f / sum;
  std::fill(out, out + head_dim, 0.0f);
  for (int64_t j = 0; j < n_kv; ++j) {
    const float* vj = v + static_cast<size_t>(j) * stride;
    const float w = scores[j] * inv;
    for (int64_t d = 0; d < head_dim; ++d) out[d] += w * vj[d];
  }
}

}  // namespace tandem::kernels
