#include "kernels/attention.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/attention.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/attention-inl.h"

#if HWY_ONCE
#include "kernels/quant/quant_formats.h"

namespace tandem::kernels {

HWY_EXPORT(AttendBlock);

void attend_block(std::span<const float* const> q, std::span<float* const> out,
                  std::span<const int32_t> n_kv, const KvHeadView& kv, int64_t head_dim,
                  float scale, const AttendOptions& opt) {
  if (q.size() != out.size() || q.size() != n_kv.size() ||
      (!opt.first.empty() && opt.first.size() != q.size()))
    throw std::invalid_argument("attend_block: query, output and length counts differ");
  if (kv.type != model::GgmlType::F32 && kv.type != model::GgmlType::F16 &&
      kv.type != model::GgmlType::Q8_0)
    throw std::invalid_argument("attend_block: KV type must be F32, F16 or Q8_0");
  if (kv.type == model::GgmlType::Q8_0 && head_dim % 32 != 0)
    throw std::invalid_argument("attend_block: Q8_0 keys need a head size multiple of 32");
  // Causal limits are compared as floats inside the kernel: exact below 2^24.
  for (int32_t n : n_kv)
    if (n < 0 || n > (1 << 24))
      throw std::invalid_argument("attend_block: key count " + std::to_string(n) +
                                  " outside [0, 2^24]");
  for (int32_t f : opt.first)
    if (f < 0 || f > (1 << 24))
      throw std::invalid_argument("attend_block: first key " + std::to_string(f) +
                                  " outside [0, 2^24]");
  HWY_DYNAMIC_DISPATCH(AttendBlock)(q, out, n_kv, kv, head_dim, scale, opt);
}

HWY_EXPORT(AttentionWeights);

void attention_weights(const float* q, int32_t n_kv, const KvHeadView& kv, int64_t head_dim,
                       float scale, float* w, int32_t first, float softcap) {
  HWY_DYNAMIC_DISPATCH(AttentionWeights)(q, n_kv, kv, head_dim, scale, w, first, softcap);
}

void attend_reference(const float* q, float* out, int32_t n_kv, const KvHeadView& kv,
                      int64_t head_dim, float scale, int32_t first, float softcap) {
  std::vector<float> k(static_cast<size_t>(head_dim)), v(static_cast<size_t>(head_dim));
  std::vector<double> s(static_cast<size_t>(n_kv), 0.0);
  double mx = -INFINITY;
  first = std::clamp(first, 0, n_kv);
  for (int32_t j = first; j < n_kv; ++j) {
    dequantize(kv.type, kv.k + static_cast<size_t>(j) * kv.stride, k.data(), head_dim);
    double d = 0;
    for (int64_t i = 0; i < head_dim; ++i)
      d += static_cast<double>(q[i]) * k[static_cast<size_t>(i)];
    d *= scale;
    if (softcap > 0.0f) d = softcap * std::tanh(d / softcap);
    s[static_cast<size_t>(j)] = d;
    mx = std::max(mx, d);
  }
  double sum = 0;
  for (int32_t j = first; j < n_kv; ++j)
    sum += (s[static_cast<size_t>(j)] = std::exp(s[static_cast<size_t>(j)] - mx));
  std::vector<double> acc(static_cast<size_t>(head_dim), 0.0);
  for (int32_t j = first; j < n_kv; ++j) {
    dequantize(kv.type, kv.v + static_cast<size_t>(j) * kv.stride, v.data(), head_dim);
    for (int64_t i = 0; i < head_dim; ++i)
      acc[static_cast<size_t>(i)] += s[static_cast<size_t>(j)] / sum * v[static_cast<size_t>(i)];
  }
  for (int64_t i = 0; i < head_dim; ++i) out[i] = static_cast<float>(acc[static_cast<size_t>(i)]);
}

}  // namespace tandem::kernels
#endif  // HWY_ONCE
