#include "engine/transformer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/attention.h"
#include "kernels/matmul.h"
#include "kernels/ops.h"

namespace tandem::engine {
namespace {

void grow(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

// Below this many tokens per-token work runs inline: a pool hand-off costs about as much.
constexpr size_t kParallelTokens = 4;

// The queries of a prompt chunk whose attention the h2o policy counts (the chunk's last).
constexpr int32_t kPromptQueries = 32;

}  // namespace

template <class PerToken>
void Transformer::for_tokens(size_t n, const PerToken& f) {
  if (n < kParallelTokens) {
    for (size_t t = 0; t < n; ++t) f(t);
    return;
  }
  // Captures one reference so std::function stores it inline (no allocation).
  pool_.parallel_for(static_cast<int64_t>(n), [&f](int64_t begin, int64_t end, int) {
    for (int64_t t = begin; t < end; ++t) f(static_cast<size_t>(t));
  });
}

Transformer::Transformer(const Model& model, int n_threads)
    : model_(model), pool_(n_threads), moe_(model.config()) {}

KvCache Transformer::make_cache(int32_t n_ctx, int32_t n_seq, model::GgmlType type,
                                KvBudget budget) const {
  return KvCache(model_.config(), n_ctx, n_seq, type, budget);
}

void Transformer::validate(const Batch& b, const KvCache& cache) const {
  const size_t n = b.tokens.size();
  if (n == 0) throw std::invalid_argument("empty batch");
  if (b.positions.size() != n || b.seq_ids.size() != n || b.want_logits.size() != n ||
      (!b.want_hidden.empty() && b.want_hidden.size() != n) ||
      (!b.embeds.empty() && b.embeds.size() != n))
    throw std::invalid_argument("batch arrays differ in length");
  std::vector<int32_t> next(static_cast<size_t>(cache.n_seq()));
  for (int32_t s = 0; s < cache.n_seq(); ++s) next[static_cast<size_t>(s)] = cache.seq_len(s);
  std::vector<uint8_t> seen(next.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    const auto tok = b.tokens[i];
    if (!b.is_embedding(i) && (tok < 0 || tok >= model_.config().n_vocab))
      throw std::invalid_argument("token id " + std::to_string(tok) + " is outside the vocabulary");
    const auto s = b.seq_ids[i];
    if (s < 0 || s >= cache.n_seq())
      throw std::invalid_argument("sequence id " + std::to_string(s) + " is outside the cache");
    const auto p = b.positions[i];
    if (p < 0 || p >= cache.n_ctx())
      throw std::invalid_argument("position " + std::to_string(p) + " is outside the context of " +
                                  std::to_string(cache.n_ctx()));
    auto& expect = next[static_cast<size_t>(s)];
    // The first token of a sequence may rewind (overwriting later entries); the rest follow on.
    if (seen[static_cast<size_t>(s)] ? p != expect : p > expect)
      throw std::invalid_argument("position " + std::to_string(p) + " of sequence " +
                                  std::to_string(s) + " leaves a gap (next is " +
                                  std::to_string(expect) + ")");
    seen[static_cast<size_t>(s)] = 1;
    expect = p + 1;
  }
}

void Transformer::prepare(const Batch& b, KvCache& cache) {
  // Per sequence: where its tokens start and how many there are (they follow on, validated).
  std::vector<int32_t> first(static_cast<size_t>(cache.n_seq()), -1), count(first.size(), 0);
  for (size_t i = 0; i < b.size(); ++i) {
    const auto s = static_cast<size_t>(b.seq_ids[i]);
    if (first[s] < 0) first[s] = b.positions[i];
    ++count[s];
  }
  for (int32_t s = 0; s < cache.n_seq(); ++s) {
    const auto i = static_cast<size_t>(s);
    if (first[i] < 0) continue;
    // The first token of a sequence may rewind, overwriting later entries.
    if (first[i] < cache.seq_len(s)) {
      try {
        cache.truncate(s, first[i]);
      } catch (const std::out_of_range& e) {
        throw std::invalid_argument(e.what());
      }
    }
    if (cache.n_cells(s) + count[i] > cache.capacity()) {
      // Only a bounded cache gets here (else positions < n_ctx = capacity): make room.
      const int32_t room = cache.capacity() - count[i];
      if (room < 8)
        throw std::invalid_argument(std::to_string(count[i]) + " new tokens of sequence " +
                                    std::to_string(s) + " do not fit the KV cache's " +
                                    std::to_string(cache.capacity()) + " entries");
      cache.evict_to(s, std::min(room, cache.budget_tokens()));
    }
  }
  cells_.resize(b.size());
  for (size_t i = 0; i < b.size(); ++i) cells_[i] = cache.cell_of(b.seq_ids[i], b.positions[i]);
}

void Transformer::score_attention(const Batch& b, KvCache& cache, int64_t layer) {
  const auto& c = model_.config();
  const int64_t group = c.n_head / c.n_head_kv;
  const float scale = c.attention_scale();
  const bool snap = cache.budget().policy == KvPolicy::kSnapKv;
  // One unit per (sequence, KV head): its score rows have a single writer.
  std::vector<int32_t> seqs;
  std::vector<int32_t> last_pos(static_cast<size_t>(cache.n_seq()), -1);
  for (size_t i = 0; i < b.size(); ++i) {
    auto& lp = last_pos[static_cast<size_t>(b.seq_ids[i])];
    if (lp < 0) seqs.push_back(b.seq_ids[i]);
    lp = std::max(lp, b.positions[i]);
  }
  const int64_t n_units = static_cast<int64_t>(seqs.size()) * c.n_head_kv;
  pool_.parallel_for(n_units, [&](int64_t begin, int64_t end, int) {
    thread_local std::vector<float> w;
    w.resize(static_cast<size_t>(cache.capacity()));
    for (int64_t u = begin; u < end; ++u) {
      const int32_t seq = seqs[static_cast<size_t>(u / c.n_head_kv)];
      const int64_t g = u % c.n_head_kv;
      const auto view = cache.head(layer, seq, g);
      for (size_t t = 0; t < b.size(); ++t) {
        if (b.seq_ids[t] != seq) continue;
        const int32_t pos = b.positions[t];
        // SnapKV looks at the last `window` queries only (earlier rows would be overwritten);
        // H2O counts every decoded query, but of a prompt chunk only its last kPromptQueries:
        // scoring all of them would cost a second attention pass over the whole prompt.
        if (pos <=
            last_pos[static_cast<size_t>(seq)] - (snap ? cache.budget().window : kPromptQueries))
          continue;
        const int32_t n_kv = cells_[t] + 1;
        float* acc = snap ? cache.snap_scores(layer, seq, g, pos) : cache.h2o_scores(layer, seq, g);
        if (snap) std::fill_n(acc, cache.capacity(), 0.0f);
        for (int64_t h = g * group; h < (g + 1) * group; ++h) {
          const float* q =
              q_.data() + t * static_cast<size_t>(c.q_dim()) + static_cast<size_t>(h * c.head_dim);
          kernels::attention_weights(q, n_kv, view, c.head_dim, scale, w.data(),
                                     first_key(layer, t), c.attn_softcap);
          for (int32_t j = 0; j < n_kv; ++j) acc[j] += w[static_cast<size_t>(j)];
        }
      }
    }
  });
}

int32_t Transformer::first_key(int64_t layer, size_t t) const {
  const auto& c = model_.config();
  if (!c.is_swa(layer)) return 0;
  // llama.cpp masks key position p0 for query position p1 when p1 - p0 >= n_swa. Cells are
  // positions (cell = position - shift in a bounded cache's tail): approximate only where a
  // bounded cache has evicted positions inside the window.
  return std::max<int32_t>(0, cells_[t] - static_cast<int32_t>(c.n_swa) + 1);
}

void Transformer::ensure_workspace(size_t n, int32_t n_ctx) {
  const auto& c = model_.config();
  grow(x_, n * c.n_embd);
  grow(xn_, n * std::max(c.n_embd, c.q_dim()));
  grow(q_, n * c.q_dim());
  grow(k_, n * c.kv_dim());
  grow(v_, n * c.kv_dim());
  grow(attn_, n * c.q_dim());
  if (!c.is_moe()) {  // MoE layers keep their own buffers
    grow(gate_, n * c.n_ff);
    grow(up_, n * c.n_ff);
  }
}

void Transformer::attention(const Batch& b, KvCache& cache, int64_t layer) {
  constexpr size_t kQueryBlock = 16;
  const auto& c = model_.config();
  const int64_t group = c.n_head / c.n_head_kv;
  const float scale = c.attention_scale();
  const bool swa = c.is_swa(layer);
  attn_items_.clear();
  for (size_t i = 0; i < b.size();) {
    size_t j = i + 1;
    while (j < b.size() && j - i < kQueryBlock && b.seq_ids[j] == b.seq_ids[i]) ++j;
    for (int64_t g = 0; g < c.n_head_kv; ++g) attn_items_.push_back({i, j - i, g});
    i = j;
  }
  // Causal blocks grow with position, and parallel_for hands out contiguous ranges: order
  // the items first, last, second, second-to-last, ... so every range gets a fair share.
  zigzag_.clear();
  for (size_t lo = 0, hi = attn_items_.size(); lo < hi;) {
    zigzag_.push_back(attn_items_[lo++]);
    if (lo < hi) zigzag_.push_back(attn_items_[--hi]);
  }
  attn_items_.swap(zigzag_);
  auto run_item = [&](int64_t it) {
    thread_local std::vector<const float*> qs;
    thread_local std::vector<float*> outs;
    thread_local std::vector<int32_t> lens, firsts;
    const auto& item = attn_items_[static_cast<size_t>(it)];
    qs.clear();
    outs.clear();
    lens.clear();
    firsts.clear();
    for (size_t t = item.first; t < item.first + item.count; ++t) {
      for (int64_t h = item.kv_head * group; h < (item.kv_head + 1) * group; ++h) {
        const size_t off = t * static_cast<size_t>(c.q_dim()) + static_cast<size_t>(h * c.head_dim);
        qs.push_back(q_.data() + off);
        outs.push_back(attn_.data() + off);
        lens.push_back(cells_[t] + 1);
        if (swa) firsts.push_back(first_key(layer, t));
      }
    }
    kernels::AttendOptions opt;
    opt.first = firsts;
    opt.softcap = c.attn_softcap;
    kernels::attend_block(qs, outs, lens, cache.head(layer, b.seq_ids[item.first], item.kv_head),
                          c.head_dim, scale, opt);
  };
  // Captures one reference so std::function stores it inline (no allocation); several
  // chunks per thread even out what the ordering above leaves unequal.
  pool_.parallel_for(
      static_cast<int64_t>(attn_items_.size()),
      [&run_item](int64_t begin, int64_t end, int) {
        for (int64_t it = begin; it < end; ++it) run_item(it);
      },
      4);
}

std::span<const float> Transformer::forward(const Batch& b, KvCache& cache,
                                            const ForwardHooks* hooks) {
  validate(b, cache);
  prepare(b, cache);
  const auto& c = model_.config();
  const auto& w = model_.weights();
  const size_t n = b.size();
  const int64_t N = static_cast<int64_t>(n);
  ensure_workspace(n, cache.n_ctx());
  n_hidden_rows_ = 0;
  const float embd_scale = std::sqrt(static_cast<float>(c.n_embd));

  for (size_t t = 0; t < n; ++t) {
    float* row = x_.data() + t * c.n_embd;
    if (b.is_embedding(t))
      std::copy_n(b.embeds[t], c.n_embd, row);
    else
      kernels::dequantize_row(w.tok_embd, b.tokens[t], row);
    // Gemma scales token embeddings (not media embeddings, as llama.cpp's gemma3 graph).
    if (c.embd_scale && !b.is_embedding(t))
      for (int64_t i = 0; i < c.n_embd; ++i) row[i] *= embd_scale;
  }

  kernels::RopeParams rope;
  rope.head_dim = c.head_dim;
  rope.rot_dims = c.n_rot;
  rope.freq_base = c.rope_freq_base;
  rope.freq_scale = c.rope_freq_scale;
  rope.neox = c.rope_neox;
  rope.freq_factors = w.rope_factors;
  // phi3 LongRoPE: llama.cpp picks the factor set by the context per sequence against the
  // original (pre-extension) context, and scales cos/sin by rope.scaling.attn_factor.
  if (!rope.freq_factors && w.rope_factors_long)
    rope.freq_factors =
        cache.n_ctx() > c.rope_n_ctx_orig ? w.rope_factors_long : w.rope_factors_short;
  rope.attn_factor = c.rope_attn_factor;
  if (c.rope_yarn) {
    rope.ext_factor = 1.0f;
    rope.attn_factor *= c.yarn_attn_factor;
    kernels::yarn_corr_dims(c.n_rot, c.rope_n_ctx_orig, c.rope_freq_base, c.yarn_beta_fast,
                            c.yarn_beta_slow, rope.corr_dims);
  }
  // gemma3's sliding layers rotate with their own base and no scaling.
  kernels::RopeParams rope_swa = rope;
  if (c.rope_freq_base_swa > 0.0f) {
    rope_swa = kernels::RopeParams{};
    rope_swa.head_dim = c.head_dim;
    rope_swa.rot_dims = c.n_rot;
    rope_swa.freq_base = c.rope_freq_base_swa;
    rope_swa.neox = c.rope_neox;
  }

  auto observe = [&](int64_t l, LinearGroup g, const float* x, int64_t cols) {
    if (hooks && hooks->on_linear_input) hooks->on_linear_input(l, g, x, N, cols);
  };
  for (int64_t l = 0; l < c.n_layer; ++l) {
    const LayerWeights* over = hooks && hooks->layer_weights ? hooks->layer_weights(l) : nullptr;
    const auto& L = over ? *over : w.layers[static_cast<size_t>(l)];
    const auto& rope_l = c.is_swa(l) ? rope_swa : rope;
    // Element-wise work runs on all threads too: at prefill sizes it is a few percent of
    // the layer, which one thread alone would leave the others waiting on.
    for_tokens(n, [&](size_t t) {
      kernels::rmsnorm(x_.data() + t * c.n_embd, L.attn_norm, xn_.data() + t * c.n_embd, c.n_embd,
                       c.rms_eps);
    });
    observe(l, LinearGroup::kAttnQkv, xn_.data(), c.n_embd);
    const kernels::MatmulJob qkv[] = {{&L.wq, q_.data()}, {&L.wk, k_.data()}, {&L.wv, v_.data()}};
    kernels::matmul_many(qkv, xn_.data(), N, pool_);
    for_tokens(n, [&](size_t t) {
      float* q = q_.data() + t * c.q_dim();
      float* k = k_.data() + t * c.kv_dim();
      float* v = v_.data() + t * c.kv_dim();
      if (L.q_bias) {
        kernels::add(q, L.q_bias, c.q_dim());
        kernels::add(k, L.k_bias, c.kv_dim());
        kernels::add(v, L.v_bias, c.kv_dim());
      }
      if (L.q_norm) {
        for (int64_t h = 0; h < c.n_head; ++h)
          kernels::rmsnorm(q + h * c.head_dim, L.q_norm, q + h * c.head_dim, c.head_dim, c.rms_eps);
        for (int64_t h = 0; h < c.n_head_kv; ++h)
          kernels::rmsnorm(k + h * c.head_dim, L.k_norm, k + h * c.head_dim, c.head_dim, c.rms_eps);
      }
      kernels::rope(q, c.n_head, b.positions[t], rope_l);
      kernels::rope(k, c.n_head_kv, b.positions[t], rope_l);
      cache.store(l, b.seq_ids[t], cells_[t], k, v);  // distinct (seq, cell) per token
    });
    attention(b, cache, l);
    if (cache.budget().enabled() && cache.budget().scores()) score_attention(b, cache, l);
    observe(l, LinearGroup::kAttnOutput, attn_.data(), c.q_dim());
    kernels::matmul(L.wo, attn_.data(), N, xn_.data(), pool_);
    // Residual and the FFN's norm in one pass over the token's row (glm4 and gemma first
    // normalise the attention output itself).
    for_tokens(n, [&](size_t t) {
      float* x = x_.data() + t * c.n_embd;
      float* xn = xn_.data() + t * c.n_embd;
      if (L.attn_post_norm) kernels::rmsnorm(xn, L.attn_post_norm, xn, c.n_embd, c.rms_eps);
      kernels::add(x, xn, c.n_embd);
      kernels::rmsnorm(x, L.ffn_norm, xn, c.n_embd, c.rms_eps);
    });
    observe(l, LinearGroup::kFfnGateUp, xn_.data(), c.n_embd);
    if (c.is_moe()) {
      // No kFfnDown observation: each expert's down projection sees different rows.
      moe_.forward(L, xn_.data(), N, pool_);
    } else {
      const kernels::MatmulJob gate_up[] = {{&L.w_gate, gate_.data()}, {&L.w_up, up_.data()}};
      kernels::matmul_many(gate_up, xn_.data(), N, pool_);
      for_tokens(n, [&](size_t t) {
        if (c.gelu_ffn)
          kernels::gelu_mul(gate_.data() + t * c.n_ff, up_.data() + t * c.n_ff, c.n_ff);
        else
          kernels::silu_mul(gate_.data() + t * c.n_ff, up_.data() + t * c.n_ff, c.n_ff);
      });
      observe(l, LinearGroup::kFfnDown, gate_.data(), c.n_ff);
      kernels::matmul(L.w_down, gate_.data(), N, xn_.data(), pool_);
    }
    for_tokens(n, [&](size_t t) {
      float* xn = xn_.data() + t * c.n_embd;
      if (L.ffn_post_norm) kernels::rmsnorm(xn, L.ffn_post_norm, xn, c.n_embd, c.rms_eps);
      kernels::add(x_.data() + t * c.n_embd, xn, c.n_embd);
    });
    if (hooks && hooks->stop_after_layer == l) return {};
  }

  // Cache lengths advance only once the whole batch has been written; then a bounded cache
  // evicts down to its budget, with this batch's attention counted.
  for (size_t t = 0; t < n; ++t) cache.mark_filled(b.seq_ids[t], b.positions[t] + 1);
  if (cache.budget().enabled())
    for (size_t t = 0; t < n; ++t)
      if (t + 1 == n || b.seq_ids[t + 1] != b.seq_ids[t]) cache.evict(b.seq_ids[t]);

  // Only rows that want logits go through the (large) output projection.
  const size_t n_out = b.n_logits();
  grow(out_rows_, n_out * c.n_embd);
  for (size_t t = 0, j = 0; t < n; ++t) {
    if (!b.want_logits[t]) continue;
    kernels::rmsnorm(x_.data() + t * c.n_embd, w.output_norm, out_rows_.data() + j * c.n_embd,
                     c.n_embd, c.rms_eps);
    ++j;
  }
  // Hidden states are asked for by embedding batches only (want_hidden empty otherwise);
  // rows that want both get the norm twice, a negligible n_embd of work.
  if (!b.want_hidden.empty()) {
    const size_t n_hid = b.n_hidden();
    grow(hidden_, n_hid * c.n_embd);
    for (size_t t = 0, j = 0; t < n; ++t) {
      if (!b.want_hidden[t]) continue;
      kernels::rmsnorm(x_.data() + t * c.n_embd, w.output_norm, hidden_.data() + j * c.n_embd,
                       c.n_embd, c.rms_eps);
      ++j;
    }
    n_hidden_rows_ = n_hid * static_cast<size_t>(c.n_embd);
  }
  if (hooks && hooks->on_linear_input && n_out > 0)
    hooks->on_linear_input(c.n_layer, LinearGroup::kOutput, out_rows_.data(),
                           static_cast<int64_t>(n_out), c.n_embd);
  logits_.resize(n_out * c.n_vocab);
  if (n_out > 0)
    kernels::matmul(w.output, out_rows_.data(), static_cast<int64_t>(n_out), logits_.data(), pool_);
  // gemma2's final logit soft-capping.
  if (c.final_softcap > 0.0f) {
    const float cap = c.final_softcap, inv = 1.0f / cap;
    for (auto& x : logits_) x = cap * std::tanh(x * inv);
  }
  return {logits_.data(), logits_.size()};
}

}  // namespace tandem::engine
