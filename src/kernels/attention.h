// Scaled dot-product attention of one query head over cached keys/values.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tandem::kernels {

// out[d] = sum_j softmax_j(scale * q . k_j) * v_j[d] for j < n_kv, where k_j = k + j * stride
// (likewise v). `scores` is scratch of at least n_kv floats.
void attend_head(const float* q, const float* k, const float* v, size_t stride, int64_t n_kv,
                 int64_t head_dim, float scale, float* scores, float* out);

}  // namespace tandem::kernels
