#include "mmproj/encoder_stack.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/activations.h"
#include "kernels/attention.h"
#include "kernels/matmul.h"
#include "kernels/ops.h"

namespace tandem::mmproj {
namespace {

// Queries per attention task: enough to amortise a pass over the keys, small enough that
// heads x blocks gives every thread work.
constexpr int64_t kQueryBlock = 64;

void add_bias(float* out, std::span<const float> bias, int64_t n_tokens) {
  if (bias.empty()) return;
  const int64_t n = static_cast<int64_t>(bias.size());
  for (int64_t t = 0; t < n_tokens; ++t) kernels::add(out + t * n, bias.data(), n);
}

}  // namespace

void linear(const kernels::WeightView& w, std::span<const float> bias, const float* x,
            int64_t n_tokens, float* out, kernels::ThreadPool& pool) {
  kernels::matmul(w, x, n_tokens, out, pool);
  add_bias(out, bias, n_tokens);
}

void layer_norm_rows(float* x, int64_t n_tokens, int64_t n, std::span<const float> w,
                     std::span<const float> b, float eps, kernels::ThreadPool& pool) {
  pool.parallel_for(n_tokens, [&](int64_t begin, int64_t end, int) {
    for (int64_t t = begin; t < end; ++t)
      kernels::layer_norm(x + t * n, w.empty() ? nullptr : w.data(), b.empty() ? nullptr : b.data(),
                          x + t * n, n, eps);
  });
}

void apply_activation(FfnActivation act, float* x, int64_t n) {
  switch (act) {
    case FfnActivation::GeluTanh:
      kernels::gelu_tanh(x, n);
      break;
    case FfnActivation::GeluErf:
      kernels::gelu_erf(x, n);
      break;
    case FfnActivation::GeluQuick:
      kernels::gelu_quick(x, n);
      break;
    case FfnActivation::Silu:
      kernels::silu(x, n);
      break;
  }
}

EncoderStack::EncoderStack(const MmprojFile& file, const std::string& prefix,
                           const EncoderHparams& hp)
    : hp_(hp) {
  const int64_t n = hp.n_embd, ff = hp.n_ff;
  pre_w_ = file.optional_vector(prefix + ".pre_ln.weight", n);
  pre_b_ = file.optional_vector(prefix + ".pre_ln.bias", n);
  post_w_ = file.optional_vector(prefix + ".post_ln.weight", n);
  post_b_ = file.optional_vector(prefix + ".post_ln.bias", n);
  layers_.resize(static_cast<size_t>(hp.n_layer));
  for (int64_t il = 0; il < hp.n_layer; ++il) {
    Layer& l = layers_[static_cast<size_t>(il)];
    const std::string p = prefix + ".blk." + std::to_string(il) + ".";
    l.ln1_w = file.optional_vector(p + "ln1.weight", n);
    l.ln1_b = file.optional_vector(p + "ln1.bias", n);
    l.ln2_w = file.optional_vector(p + "ln2.weight", n);
    l.ln2_b = file.optional_vector(p + "ln2.bias", n);
    l.q = file.matrix(p + "attn_q.weight", n, n);
    l.k = file.matrix(p + "attn_k.weight", n, n);
    l.v = file.matrix(p + "attn_v.weight", n, n);
    l.o = file.matrix(p + "attn_out.weight", n, n);
    l.q_b = file.optional_vector(p + "attn_q.bias", n);
    l.k_b = file.optional_vector(p + "attn_k.bias", n);
    l.v_b = file.optional_vector(p + "attn_v.bias", n);
    l.o_b = file.optional_vector(p + "attn_out.bias", n);
    // Older converters stored up and down under each other's names (llama.cpp swaps them
    // back when ffn_down reads n_embd wide).
    std::string up = p + "ffn_up", down = p + "ffn_down";
    if (ff != n && file.tensor(down + ".weight").row_length() == n) std::swap(up, down);
    l.up = file.matrix(up + ".weight", n, ff);
    l.down = file.matrix(down + ".weight", ff, n);
    l.up_b = file.optional_vector(up + ".bias", ff);
    l.down_b = file.optional_vector(down + ".bias", n);
    if (file.has_tensor(p + "ffn_gate.weight")) {
      l.gate = file.matrix(p + "ffn_gate.weight", n, ff);
      l.gate_b = file.optional_vector(p + "ffn_gate.bias", ff);
    }
  }
}

void EncoderStack::pre_norm(std::span<float> x, int64_t n_tokens, kernels::ThreadPool& pool) const {
  if (has_pre_norm())
    layer_norm_rows(x.data(), n_tokens, hp_.n_embd, pre_w_, pre_b_, hp_.eps, pool);
}

void EncoderStack::post_norm(std::span<float> x, int64_t n_tokens,
                             kernels::ThreadPool& pool) const {
  if (has_post_norm())
    layer_norm_rows(x.data(), n_tokens, hp_.n_embd, post_w_, post_b_, hp_.eps, pool);
}

void EncoderStack::forward(std::span<float> x, int64_t n_tokens, kernels::ThreadPool& pool,
                           const Options& opt) const {
  if (static_cast<int64_t>(x.size()) != n_tokens * hp_.n_embd)
    throw std::invalid_argument("EncoderStack::forward: input holds " + std::to_string(x.size()) +
                                " floats, expected " + std::to_string(n_tokens) + " x " +
                                std::to_string(hp_.n_embd));
  const int64_t n_run = opt.n_layers < 0 ? n_layer() : opt.n_layers;
  if (n_run > n_layer())
    throw std::invalid_argument("EncoderStack::forward: " + std::to_string(n_run) +
                                " layers asked, the encoder has " + std::to_string(n_layer()));
  pre_norm(x, n_tokens, pool);
  for (int64_t il = 0; il < n_run; ++il) run_layer(il, x, n_tokens, pool);
  if (opt.post_norm) post_norm(x, n_tokens, pool);
}

void EncoderStack::run_layer(int64_t il, std::span<float> x, int64_t n_tokens,
                             kernels::ThreadPool& pool) const {
  const Layer& l = layers_.at(static_cast<size_t>(il));
  const int64_t n = hp_.n_embd;
  std::vector<float> h(x.begin(), x.end()), delta(x.size());
  layer_norm_rows(h.data(), n_tokens, n, l.ln1_w, l.ln1_b, hp_.eps, pool);
  attention(l, h.data(), delta.data(), n_tokens, pool);
  kernels::add(x.data(), delta.data(), static_cast<int64_t>(x.size()));
  std::copy(x.begin(), x.end(), h.begin());
  layer_norm_rows(h.data(), n_tokens, n, l.ln2_w, l.ln2_b, hp_.eps, pool);
  feed_forward(l, h.data(), delta.data(), n_tokens, pool);
  kernels::add(x.data(), delta.data(), static_cast<int64_t>(x.size()));
}

void EncoderStack::attention(const Layer& l, const float* in, float* out, int64_t n_tokens,
                             kernels::ThreadPool& pool) const {
  const int64_t n = hp_.n_embd, n_head = hp_.n_head, d = hp_.head_dim();
  const size_t sz = static_cast<size_t>(n_tokens * n);
  std::vector<float> q(sz), k(sz), v(sz), att(sz);
  const kernels::MatmulJob jobs[] = {{&l.q, q.data()}, {&l.k, k.data()}, {&l.v, v.data()}};
  kernels::matmul_many(jobs, in, n_tokens, pool);
  add_bias(q.data(), l.q_b, n_tokens);
  add_bias(k.data(), l.k_b, n_tokens);
  add_bias(v.data(), l.v_b, n_tokens);

  // Every query sees every key (no mask); tasks are (head, block of queries).
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const int64_t n_blocks = (n_tokens + kQueryBlock - 1) / kQueryBlock;
  pool.parallel_for(
      n_head * n_blocks,
      [&](int64_t begin, int64_t end, int) {
        std::vector<const float*> qs;
        std::vector<float*> outs;
        std::vector<int32_t> lens;
        for (int64_t task = begin; task < end; ++task) {
          const int64_t h = task / n_blocks, b = task % n_blocks;
          const int64_t t0 = b * kQueryBlock, t1 = std::min(n_tokens, t0 + kQueryBlock);
          qs.clear();
          outs.clear();
          for (int64_t t = t0; t < t1; ++t) {
            qs.push_back(q.data() + t * n + h * d);
            outs.push_back(att.data() + t * n + h * d);
          }
          lens.assign(qs.size(), static_cast<int32_t>(n_tokens));
          kernels::KvHeadView kv;
          kv.type = model::GgmlType::F32;
          kv.k = reinterpret_cast<const uint8_t*>(k.data() + h * d);
          kv.v = reinterpret_cast<const uint8_t*>(v.data() + h * d);
          kv.stride = static_cast<size_t>(n) * sizeof(float);
          kernels::attend_block(qs, outs, lens, kv, d, scale);
        }
      },
      4);
  linear(l.o, l.o_b, att.data(), n_tokens, out, pool);
}

void EncoderStack::feed_forward(const Layer& l, const float* in, float* out, int64_t n_tokens,
                                kernels::ThreadPool& pool) const {
  const int64_t ff = hp_.n_ff;
  std::vector<float> up(static_cast<size_t>(n_tokens * ff));
  if (l.gate.empty()) {
    linear(l.up, l.up_b, in, n_tokens, up.data(), pool);
    pool.parallel_for(n_tokens, [&](int64_t begin, int64_t end, int) {
      apply_activation(hp_.act, up.data() + begin * ff, (end - begin) * ff);
    });
  } else {
    std::vector<float> gate(up.size());
    const kernels::MatmulJob jobs[] = {{&l.gate, gate.data()}, {&l.up, up.data()}};
    kernels::matmul_many(jobs, in, n_tokens, pool);
    add_bias(gate.data(), l.gate_b, n_tokens);
    add_bias(up.data(), l.up_b, n_tokens);
    pool.parallel_for(n_tokens, [&](int64_t begin, int64_t end, int) {
      float* g = gate.data() + begin * ff;
      const int64_t cnt = (end - begin) * ff;
      apply_activation(hp_.act, g, cnt);
      for (int64_t i = 0; i < cnt; ++i) up[static_cast<size_t>(begin * ff + i)] *= g[i];
    });
  }
  linear(l.down, l.down_b, up.data(), n_tokens, out, pool);
}

double EncoderStack::flops(int64_t n_tokens, int64_t n_layers) const {
  const double t = static_cast<double>(n_tokens), n = static_cast<double>(hp_.n_embd);
  const double ff = static_cast<double>(hp_.n_ff);
  double total = 0;
  for (int64_t il = 0; il < n_layers && il < n_layer(); ++il) {
    const bool gated = !layers_[static_cast<size_t>(il)].gate.empty();
    // Q, K, V, out; up (and gate), down; scores and weighted values.
    total += 2.0 * t * (4.0 * n * n + (gated ? 3.0 : 2.0) * n * ff) + 2.0 * 2.0 * t * t * n;
  }
  return total;
}

}  // namespace tandem::mmproj
