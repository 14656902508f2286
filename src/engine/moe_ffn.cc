#include "engine/moe_ffn.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/matmul.h"
#include "kernels/ops.h"

namespace tandem::engine {
namespace {

void grow(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

// llama.cpp clamps the sum of the chosen probabilities to fp16's smallest normal before
// dividing by it.
constexpr float kMinWeightSum = 6.103515625e-5f;

}  // namespace

void MoeFfn::route(int64_t n) {
  const int64_t E = c_.n_expert, K = c_.n_expert_used;
  chosen_.resize(static_cast<size_t>(n * K));
  weight_.resize(static_cast<size_t>(n * K));
  std::vector<int32_t> order(static_cast<size_t>(E));
  for (int64_t t = 0; t < n; ++t) {
    float* p = logits_.data() + t * E;
    kernels::softmax(p, E);
    std::iota(order.begin(), order.end(), 0);
    // Descending probability; equal ones by index, so the choice is deterministic.
    std::partial_sort(order.begin(), order.begin() + K, order.end(),
                      [p](int32_t a, int32_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    float sum = 0.0f;
    for (int64_t i = 0; i < K; ++i) sum += p[order[static_cast<size_t>(i)]];
    const float inv = c_.expert_weights_norm ? 1.0f / std::max(sum, kMinWeightSum) : 1.0f;
    for (int64_t i = 0; i < K; ++i) {
      chosen_[slot(t, i)] = order[static_cast<size_t>(i)];
      weight_[slot(t, i)] = p[order[static_cast<size_t>(i)]] * inv;
    }
  }
}

void MoeFfn::group(int64_t n) {
  const int64_t E = c_.n_expert, pairs = n * c_.n_expert_used;
  first_.assign(static_cast<size_t>(E + 1), 0);
  for (int64_t j = 0; j < pairs; ++j) ++first_[static_cast<size_t>(chosen_[j] + 1)];
  std::partial_sum(first_.begin(), first_.end(), first_.begin());
  rows_.resize(static_cast<size_t>(pairs));
  row_of_.resize(static_cast<size_t>(pairs));
  std::vector<int64_t> next(first_.begin(), first_.end() - 1);
  for (int64_t j = 0; j < pairs; ++j) {
    const int64_t r = next[static_cast<size_t>(chosen_[j])]++;
    rows_[static_cast<size_t>(r)] = j;
    row_of_[static_cast<size_t>(j)] = r;
  }
}

void MoeFfn::forward(const LayerWeights& L, float* x, int64_t n, kernels::ThreadPool& pool) {
  const int64_t D = c_.n_embd, F = c_.n_ff_exp, K = c_.n_expert_used;
  grow(logits_, static_cast<size_t>(n * c_.n_expert));
  kernels::matmul(L.ffn_gate_inp, x, n, logits_.data(), pool);
  route(n);
  group(n);

  // Each expert's tokens as contiguous rows, so one matmul per expert streams its weights once.
  const size_t pairs = static_cast<size_t>(n * K);
  grow(in_, pairs * D);
  grow(gate_, pairs * F);
  grow(up_, pairs * F);
  grow(out_, pairs * D);
  for (size_t r = 0; r < pairs; ++r) std::copy_n(x + (rows_[r] / K) * D, D, in_.data() + r * D);

  for (int64_t e = 0; e < c_.n_expert; ++e) {
    const int64_t r0 = first_[static_cast<size_t>(e)];
    const int64_t count = first_[static_cast<size_t>(e) + 1] - r0;
    if (count == 0) continue;  // unselected experts cost nothing
    const auto E = static_cast<size_t>(e);
    const kernels::MatmulJob gate_up[] = {{&L.gate_exps[E], gate_.data() + r0 * F},
                                          {&L.up_exps[E], up_.data() + r0 * F}};
    kernels::matmul_many(gate_up, in_.data() + r0 * D, count, pool);
    for (int64_t r = r0; r < r0 + count; ++r)
      kernels::silu_mul(gate_.data() + r * F, up_.data() + r * F, F);
    kernels::matmul(L.down_exps[E], gate_.data() + r0 * F, count, out_.data() + r0 * D, pool);
  }

  // qwen2moe's shared expert, on every token, while x still holds the input.
  const bool shared = L.shexp_gate_inp != nullptr;
  const int64_t S = c_.n_ff_shexp;
  if (shared) {
    grow(sh_gate_, static_cast<size_t>(n * S));
    grow(sh_up_, static_cast<size_t>(n * S));
    grow(sh_out_, static_cast<size_t>(n * D));
    const kernels::MatmulJob jobs[] = {{&L.gate_shexp, sh_gate_.data()},
                                       {&L.up_shexp, sh_up_.data()}};
    kernels::matmul_many(jobs, x, n, pool);
    for (int64_t t = 0; t < n; ++t)
      kernels::silu_mul(sh_gate_.data() + t * S, sh_up_.data() + t * S, S);
    kernels::matmul(L.down_shexp, sh_gate_.data(), n, sh_out_.data(), pool);
    for (int64_t t = 0; t < n; ++t) {
      double logit = 0;
      for (int64_t d = 0; d < D; ++d) logit += double(L.shexp_gate_inp[d]) * x[t * D + d];
      const float g = static_cast<float>(1.0 / (1.0 + std::exp(-logit)));
      for (int64_t d = 0; d < D; ++d) sh_out_[static_cast<size_t>(t * D + d)] *= g;
    }
  }

  // Weighted sum in slot order (llama.cpp adds the weighted experts slot 0 first), then the
  // shared expert's output.
  for (int64_t t = 0; t < n; ++t) {
    float* y = x + t * D;
    std::fill_n(y, D, 0.0f);
    for (int64_t i = 0; i < K; ++i) {
      const float w = weight_[slot(t, i)];
      const float* o = out_.data() + row_of_[slot(t, i)] * D;
      for (int64_t d = 0; d < D; ++d) y[d] += w * o[d];
    }
    if (shared) kernels::add(y, sh_out_.data() + t * D, D);
  }
}

}  // namespace tandem::engine
