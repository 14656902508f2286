// The qwen3moe block (Qwen3-MoE, llama.cpp's LLM_ARCH_QWEN3MOE) against a plain reference
// written from its definition: Qwen3 attention (per-head RMS norms of Q and K, NeoX RoPE) and a
// mixture-of-experts FFN: router logits, softmax over all experts, the top n_expert_used,
// their probabilities renormalised to sum to 1, and the weighted sum of those experts' SwiGLU
// outputs, each expert a slice of the stacked ffn_{gate,up,down}_exps tensors. The prompt runs
// as one batch (tokens grouped by expert) and token by token (decode). qwen2moe (Qwen1.5/2-MoE,
// LLM_ARCH_QWEN2MOE): Qwen2 attention (Q/K/V biases, no QK norms), the chosen probabilities
// not renormalised, and a shared expert every token runs, scaled by sigmoid(gate_inp_shexp . x).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "engine/forward_reference.h"
#include "engine/model.h"
#include "engine/moe_ffn.h"
#include "engine/transformer.h"
#include "model/gguf_file.h"
#include "model/gguf_writer.h"
#include "support/paths.h"

namespace tandem::engine {
namespace {

using model::GgmlType;
using model::GgufFile;
using model::GgufWriter;
using reference::Floats;

constexpr int64_t kEmbd = 64, kHeads = 4, kKvHeads = 2, kHeadDim = 16, kLayers = 2;
constexpr int64_t kExperts = 4, kUsed = 2, kFfExp = 32, kFfShexp = 48;
constexpr int64_t kQ = kHeads * kHeadDim, kKv = kKvHeads * kHeadDim;
constexpr float kEps = 1e-6f, kBase = 1000000.0f;

struct Weights : reference::TensorSet {
  int64_t n_vocab = 0;
  std::string arch = "qwen3moe";
};

Weights make_weights(int64_t n_vocab, const std::string& arch = "qwen3moe") {
  const bool qwen2 = arch == "qwen2moe";
  Weights w;
  w.n_vocab = n_vocab;
  w.arch = arch;
  std::mt19937 rng(11);
  const float s = 1.0f / std::sqrt(static_cast<float>(kEmbd));
  w.add("token_embd.weight", {kEmbd, n_vocab}, 1.0f, 0.0f, rng);
  w.add("output_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
  w.add("output.weight", {kEmbd, n_vocab}, s, 0.0f, rng);
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    w.add(p + "attn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    w.add(p + "attn_q.weight", {kEmbd, kQ}, 3 * s, 0.0f, rng);
    w.add(p + "attn_k.weight", {kEmbd, kKv}, 3 * s, 0.0f, rng);
    w.add(p + "attn_v.weight", {kEmbd, kKv}, s, 0.0f, rng);
    if (qwen2) {
      w.add(p + "attn_q.bias", {kQ}, 0.5f, 0.0f, rng);
      w.add(p + "attn_k.bias", {kKv}, 0.5f, 0.0f, rng);
      w.add(p + "attn_v.bias", {kKv}, 0.5f, 0.0f, rng);
    } else {
      w.add(p + "attn_q_norm.weight", {kHeadDim}, 0.1f, 1.0f, rng);
      w.add(p + "attn_k_norm.weight", {kHeadDim}, 0.1f, 1.0f, rng);
    }
    w.add(p + "attn_output.weight", {kQ, kEmbd}, 1.0f / std::sqrt(float(kQ)), 0.0f, rng);
    w.add(p + "ffn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    // A sharp router (logits of a few units), so the choice of experts is far from a tie.
    w.add(p + "ffn_gate_inp.weight", {kEmbd, kExperts}, 4 * s, 0.0f, rng);
    w.add(p + "ffn_gate_exps.weight", {kEmbd, kFfExp, kExperts}, s, 0.0f, rng);
    w.add(p + "ffn_up_exps.weight", {kEmbd, kFfExp, kExperts}, s, 0.0f, rng);
    w.add(p + "ffn_down_exps.weight", {kFfExp, kEmbd, kExperts}, 1.0f / std::sqrt(float(kFfExp)),
          0.0f, rng);
    if (qwen2) {
      w.add(p + "ffn_gate_inp_shexp.weight", {kEmbd}, 2 * s, 0.0f, rng);
      w.add(p + "ffn_gate_shexp.weight", {kEmbd, kFfShexp}, s, 0.0f, rng);
      w.add(p + "ffn_up_shexp.weight", {kEmbd, kFfShexp}, s, 0.0f, rng);
      w.add(p + "ffn_down_shexp.weight", {kFfShexp, kEmbd}, 1.0f / std::sqrt(float(kFfShexp)), 0.0f,
            rng);
    }
  }
  return w;
}

std::string write_model(const Weights& w, const std::string& file, bool with_counts = true) {
  const auto vocab = GgufFile::open(test::stories("stories260K-f32.gguf"));
  GgufWriter g;
  const std::string a = w.arch + ".";
  g.set_string("general.architecture", w.arch);
  for (const auto& [k, v] : vocab.metadata())
    if (k.rfind("tokenizer.", 0) == 0) g.set(k, v);
  g.set_u32(a + "context_length", 256);
  g.set_u32(a + "embedding_length", kEmbd);
  g.set_u32(a + "block_count", kLayers);
  g.set_u32(a + "feed_forward_length", 3 * kFfExp);
  g.set_u32(a + "attention.head_count", kHeads);
  g.set_u32(a + "attention.head_count_kv", kKvHeads);
  g.set_u32(a + "attention.key_length", kHeadDim);
  g.set_u32(a + "attention.value_length", kHeadDim);
  g.set_f32(a + "rope.freq_base", kBase);
  g.set_f32(a + "attention.layer_norm_rms_epsilon", kEps);
  if (with_counts) {
    g.set_u32(a + "expert_count", kExperts);
    g.set_u32(a + "expert_used_count", kUsed);
    g.set_u32(a + "expert_feed_forward_length", kFfExp);
  }
  if (w.arch == "qwen2moe") g.set_u32(a + "expert_shared_feed_forward_length", kFfShexp);
  for (const auto& [name, v] : w.t)
    g.add_tensor(name, GgmlType::F32, w.dims.at(name),
                 std::span(reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(float)));
  const std::string path = testing::TempDir() + "/" + file;
  g.write(path);
  return path;
}

// ---- The reference: one token at a time, in double where it sums. ----

using reference::matvec;

void rope(Floats& x, int64_t n_heads, int32_t pos) {
  constexpr int64_t half = kHeadDim / 2;
  for (int64_t h = 0; h < n_heads; ++h)
    for (int64_t i = 0; i < half; ++i) {
      const double theta = pos * std::pow(double(kBase), -2.0 * double(i) / double(kHeadDim));
      float* p = x.data() + h * kHeadDim;
      const double c = std::cos(theta), s = std::sin(theta);
      const double a = p[i], b = p[i + half];
      p[i] = float(a * c - b * s);
      p[i + half] = float(a * s + b * c);
    }
}

void head_norms(Floats& x, int64_t n_heads, const Floats& w) {
  for (int64_t h = 0; h < n_heads; ++h) {
    const Floats y = reference::rmsnorm(x, w, kEps, size_t(h * kHeadDim), size_t(kHeadDim));
    std::copy(y.begin(), y.end(), x.begin() + h * kHeadDim);
  }
}

// The experts the router picks for f and their weights (renormalised unless `raw`).
std::vector<std::pair<int64_t, double>> route(const Floats& router, const Floats& f, bool raw) {
  const Floats logits = matvec(router, kEmbd, f, 0, kExperts);
  const double mx = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p(kExperts);
  double sum = 0;
  for (int64_t e = 0; e < kExperts; ++e) sum += (p[size_t(e)] = std::exp(logits[size_t(e)] - mx));
  for (auto& x : p) x /= sum;
  std::vector<int64_t> order(kExperts);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
  std::vector<std::pair<int64_t, double>> chosen;
  double total = 0;
  for (int64_t i = 0; i < kUsed; ++i) total += p[size_t(order[size_t(i)])];
  for (int64_t i = 0; i < kUsed; ++i)
    chosen.push_back({order[size_t(i)], p[size_t(order[size_t(i)])] / (raw ? 1.0 : total)});
  return chosen;
}

// A SwiGLU FFN of width ff whose gate/up rows start at row ff * e and down rows at kEmbd * e
// (expert e of a stack; e = 0 for a plain matrix such as the shared expert's).
Floats swiglu(Weights& w, const std::string& p, const std::string& part, int64_t ff, int64_t e,
              const Floats& f) {
  const Floats gate = matvec(w.t[p + "ffn_gate_" + part + ".weight"], kEmbd, f, e * ff, ff);
  const Floats up = matvec(w.t[p + "ffn_up_" + part + ".weight"], kEmbd, f, e * ff, ff);
  Floats a(static_cast<size_t>(ff));
  for (int64_t i = 0; i < ff; ++i) {
    const double g = gate[size_t(i)];
    a[size_t(i)] = float(g / (1.0 + std::exp(-g)) * up[size_t(i)]);
  }
  return matvec(w.t[p + "ffn_down_" + part + ".weight"], ff, a, e * kEmbd, kEmbd);
}

// raw_weights: the chosen probabilities as they are (qwen2moe unless force_norm). shared:
// qwen2moe's shared expert (false: left out, to show that it matters).
std::vector<Floats> reference(Weights& w, const std::vector<int32_t>& tokens,
                              bool raw_weights = false, bool shared = true,
                              bool force_norm = false) {
  const bool qwen2 = w.arch == "qwen2moe";
  std::vector<std::vector<Floats>> keys(kLayers), values(kLayers);
  std::vector<Floats> out;
  for (size_t t = 0; t < tokens.size(); ++t) {
    Floats x(w.t["token_embd.weight"].begin() + tokens[t] * kEmbd,
             w.t["token_embd.weight"].begin() + (tokens[t] + 1) * kEmbd);
    for (int64_t l = 0; l < kLayers; ++l) {
      const std::string p = "blk." + std::to_string(l) + ".";
      const Floats h = reference::rmsnorm(x, w.t[p + "attn_norm.weight"], kEps);
      Floats q = matvec(w.t[p + "attn_q.weight"], kEmbd, h, 0, kQ);
      Floats k = matvec(w.t[p + "attn_k.weight"], kEmbd, h, 0, kKv);
      Floats v = matvec(w.t[p + "attn_v.weight"], kEmbd, h, 0, kKv);
      if (qwen2) {
        for (int64_t i = 0; i < kQ; ++i) q[size_t(i)] += w.t[p + "attn_q.bias"][size_t(i)];
        for (int64_t i = 0; i < kKv; ++i) k[size_t(i)] += w.t[p + "attn_k.bias"][size_t(i)];
        for (int64_t i = 0; i < kKv; ++i) v[size_t(i)] += w.t[p + "attn_v.bias"][size_t(i)];
      } else {
        head_norms(q, kHeads, w.t[p + "attn_q_norm.weight"]);
        head_norms(k, kKvHeads, w.t[p + "attn_k_norm.weight"]);
      }
      rope(q, kHeads, int32_t(t));
      rope(k, kKvHeads, int32_t(t));
      keys[size_t(l)].push_back(k);
      values[size_t(l)].push_back(v);
      const Floats attn = reference::causal_attention(q, keys[size_t(l)], values[size_t(l)], kHeads,
                                                      kKvHeads, kHeadDim);
      const Floats o = matvec(w.t[p + "attn_output.weight"], kQ, attn, 0, kEmbd);
      for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += o[size_t(i)];
      const Floats f = reference::rmsnorm(x, w.t[p + "ffn_norm.weight"], kEps);
      for (const auto& [e, weight] :
           route(w.t[p + "ffn_gate_inp.weight"], f, raw_weights || (qwen2 && !force_norm))) {
        const Floats d = swiglu(w, p, "exps", kFfExp, e, f);
        for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += float(weight * d[size_t(i)]);
      }
      if (qwen2 && shared) {
        const Floats gate_logit = matvec(w.t[p + "ffn_gate_inp_shexp.weight"], kEmbd, f, 0, 1);
        const double g = 1.0 / (1.0 + std::exp(-double(gate_logit[0])));
        const Floats d = swiglu(w, p, "shexp", kFfShexp, 0, f);
        for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += float(g * d[size_t(i)]);
      }
    }
    out.push_back(matvec(w.t["output.weight"], kEmbd,
                         reference::rmsnorm(x, w.t["output_norm.weight"], kEps), 0, w.n_vocab));
  }
  return out;
}

// Tandem's logits with the prompt fed one token per forward (the decode path).
std::vector<Floats> tandem_decode_logits(const std::string& path,
                                         const std::vector<int32_t>& tokens) {
  const auto m = Model::load(path);
  Transformer tf(*m, 2);
  auto cache = tf.make_cache(64, 1, GgmlType::F32);
  std::vector<Floats> rows;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const int32_t token[] = {tokens[t]};
    const auto one = tf.forward(Batch::sequence(token, int32_t(t), 0, true), cache);
    rows.emplace_back(one.begin(), one.end());
  }
  return rows;
}

using reference::max_diff;

TEST(Qwen3MoeForward, ConfigAndExpertSlices) {
  const auto m =
      Model::load(write_model(make_weights(reference::stories_vocab()), "qwen3moe_config.gguf"));
  const auto& c = m->config();
  EXPECT_EQ(c.arch, "qwen3moe");
  EXPECT_EQ(c.n_expert, kExperts);
  EXPECT_EQ(c.n_expert_used, kUsed);
  EXPECT_EQ(c.n_ff_exp, kFfExp);
  EXPECT_TRUE(c.rope_neox);
  EXPECT_TRUE(c.qk_norm);
  const auto& L = m->weights().layers[1];
  ASSERT_EQ(L.gate_exps.size(), size_t(kExperts));
  ASSERT_EQ(L.down_exps.size(), size_t(kExperts));
  // Expert e is the e-th run of rows of the stacked tensor, not a copy.
  for (int64_t e = 1; e < kExperts; ++e) {
    EXPECT_EQ(L.up_exps[size_t(e)].data, L.up_exps[0].data + e * kFfExp * L.up_exps[0].row_bytes);
    EXPECT_EQ(L.down_exps[size_t(e)].data,
              L.down_exps[0].data + e * kEmbd * L.down_exps[0].row_bytes);
  }
  EXPECT_EQ(L.down_exps[0].rows, kEmbd);
  EXPECT_EQ(L.down_exps[0].cols, kFfExp);
  EXPECT_TRUE(L.w_gate.empty());
}

TEST(Qwen3MoeForward, PromptBatchMatchesTheReference) {
  Weights w = make_weights(reference::stories_vocab());
  const auto want = reference(w, reference::kTokens);
  reference::expect_close(
      reference::tandem_logits(write_model(w, "qwen3moe.gguf"), reference::kTokens), want);
}

TEST(Qwen3MoeForward, DecodeMatchesTheReference) {
  Weights w = make_weights(reference::stories_vocab());
  const auto want = reference(w, reference::kTokens);
  reference::expect_close(
      tandem_decode_logits(write_model(w, "qwen3moe_decode.gguf"), reference::kTokens), want);
}

// Without the renormalisation of the chosen probabilities the model is a different one: the
// check above would see it.
TEST(Qwen3MoeForward, ChosenWeightsAreRenormalised) {
  Weights w = make_weights(reference::stories_vocab());
  EXPECT_GT(max_diff(reference(w, reference::kTokens), reference(w, reference::kTokens, true)),
            0.05f);
}

// MoeFfn alone, on hand-made F32 experts: experts 2 and 3 are NaN and a router that reads the
// first two coordinates never picks them, so a finite, exact result shows that unselected
// experts are not computed; tokens choose experts 0 and 1 in both orders (grouped rows).
TEST(Qwen3MoeForward, OnlyTheChosenExpertsRun) {
  model::ModelConfig c;
  c.n_embd = 32;
  c.n_expert = 4;
  c.n_expert_used = 2;
  c.n_ff_exp = 8;
  const int64_t D = c.n_embd, F = c.n_ff_exp;
  auto view = [](const Floats& v, int64_t rows, int64_t cols) {
    kernels::WeightView w;
    w.type = GgmlType::F32;
    w.rows = rows;
    w.cols = cols;
    w.data = reinterpret_cast<const uint8_t*>(v.data());
    w.row_bytes = size_t(cols) * sizeof(float);
    return w;
  };
  // Router: expert 0 reads x[0], expert 1 x[1], experts 2 and 3 -100 * (x[0] + x[1]) where
  // x[0], x[1] > 0.
  Floats router(size_t(4 * D), 0.0f);
  router[0] = 1.0f;
  router[size_t(D + 1)] = 1.0f;
  for (int64_t e = 2; e < 4; ++e) router[size_t(e * D)] = router[size_t(e * D + 1)] = -100.0f;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<Floats> gate(4), up(4), down(4);
  LayerWeights L;
  L.ffn_gate_inp = view(router, 4, D);
  for (int64_t e = 0; e < 4; ++e) {
    for (auto* m : {&gate[size_t(e)], &up[size_t(e)], &down[size_t(e)]}) {
      m->resize(size_t(D * F));
      for (auto& x : *m) x = e < 2 ? u(rng) : nan;
    }
    L.gate_exps.push_back(view(gate[size_t(e)], F, D));
    L.up_exps.push_back(view(up[size_t(e)], F, D));
    L.down_exps.push_back(view(down[size_t(e)], D, F));
  }
  const int64_t n = 5;
  Floats x(size_t(n * D));
  for (auto& v : x) v = u(rng);
  for (int64_t t = 0; t < n; ++t) {
    x[size_t(t * D)] = 0.2f + 0.3f * float(t % 2);      // odd tokens prefer expert 0,
    x[size_t(t * D + 1)] = 0.5f - 0.2f * float(t % 2);  // even ones expert 1
  }
  const Floats in = x;
  kernels::ThreadPool pool(2);
  MoeFfn moe(c);
  moe.forward(L, x.data(), n, pool);
  for (int64_t t = 0; t < n; ++t) {
    const double l0 = in[size_t(t * D)], l1 = in[size_t(t * D + 1)];
    const double w0 = 1.0 / (1.0 + std::exp(l1 - l0));  // softmax over 0 and 1 (2, 3 ~ 0)
    EXPECT_EQ(moe.expert(t, 0), t % 2 ? 0 : 1);
    EXPECT_NEAR(moe.weight(t, 0) + moe.weight(t, 1), 1.0f, 1e-6f);
    const Floats f(in.begin() + t * D, in.begin() + (t + 1) * D);
    for (int64_t d = 0; d < D; ++d) {
      double want = 0;
      for (int64_t e = 0; e < 2; ++e) {
        Floats a(static_cast<size_t>(F));
        const Floats g = matvec(gate[size_t(e)], D, f, 0, F);
        const Floats v = matvec(up[size_t(e)], D, f, 0, F);
        for (int64_t i = 0; i < F; ++i)
          a[size_t(i)] = float(g[size_t(i)] / (1.0 + std::exp(-g[size_t(i)])) * v[size_t(i)]);
        want += (e == 0 ? w0 : 1.0 - w0) * matvec(down[size_t(e)], F, a, d, 1)[0];
      }
      ASSERT_NEAR(x[size_t(t * D + d)], want, 1e-4) << "token " << t << " dim " << d;
    }
  }
}

TEST(Qwen2MoeForward, ConfigReadsTheSharedExpert) {
  const auto m = Model::load(
      write_model(make_weights(reference::stories_vocab(), "qwen2moe"), "qwen2moe_config.gguf"));
  const auto& c = m->config();
  EXPECT_EQ(c.arch, "qwen2moe");
  EXPECT_EQ(c.n_ff_shexp, kFfShexp);
  EXPECT_FALSE(c.expert_weights_norm);
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_FALSE(c.qk_norm);
  EXPECT_TRUE(c.rope_neox);
  const auto& L = m->weights().layers[0];
  EXPECT_NE(L.shexp_gate_inp, nullptr);
  EXPECT_EQ(L.down_shexp.cols, kFfShexp);
}

TEST(Qwen2MoeForward, PromptBatchAndDecodeMatchTheReference) {
  Weights w = make_weights(reference::stories_vocab(), "qwen2moe");
  const std::string path = write_model(w, "qwen2moe.gguf");
  const auto want = reference(w, reference::kTokens);
  reference::expect_close(reference::tandem_logits(path, reference::kTokens), want);
  reference::expect_close(tandem_decode_logits(path, reference::kTokens), want);
  // The shared expert and the unnormalised weights both show in the logits.
  EXPECT_GT(max_diff(want, reference(w, reference::kTokens, false, false)), 0.05f);
  EXPECT_GT(max_diff(want, reference(w, reference::kTokens, false, true, true)), 0.05f);
}

TEST(Qwen3MoeForward, MissingOrMisshapenExpertTensorsAreRefused) {
  const Weights w = make_weights(reference::stories_vocab());
  Weights no_down = w;
  no_down.erase("blk.1.ffn_down_exps.weight");
  reference::expect_load_refused(write_model(no_down, "qwen3moe_no_down.gguf"),
                                 "missing tensor 'blk.1.ffn_down_exps.weight'");
  Weights flat = w;  // one expert's worth of rows, without the expert dimension
  flat.t["blk.0.ffn_up_exps.weight"].resize(size_t(kEmbd * kFfExp));
  flat.dims["blk.0.ffn_up_exps.weight"] = {kEmbd, kFfExp};
  reference::expect_load_refused(
      write_model(flat, "qwen3moe_flat.gguf"),
      "tensor 'blk.0.ffn_up_exps.weight' has shape [64, 32], expected [64, 32, 4]");
  reference::expect_load_refused(write_model(w, "qwen3moe_no_counts.gguf", false),
                                 "qwen3moe.expert_count");
}

}  // namespace
}  // namespace tandem::engine
