// The phi3 block (Phi-3, llama.cpp's LLM_ARCH_PHI3) against a plain reference written from its
// definition: Q, K, V as the row blocks of one attn_qkv (q, then k, then v; fewer K/V heads as
// Phi-3-medium), gate and up as the two row halves of one ffn_up (silu of the first half), NeoX
// RoPE over the whole head, a separate output matrix. LongRoPE: rope_factors_long/short divide
// the frequencies (long past rope.scaling.original_context_length) and attn_factor scales the
// rotation. A file missing attn_qkv is refused with one line naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/forward_reference.h"
#include "engine/model.h"
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

constexpr int64_t kEmbd = 64, kHeads = 4, kKvHeads = 2, kHeadDim = 16, kFf = 96;
constexpr int64_t kLayers = 2;
constexpr int64_t kQ = kHeads * kHeadDim, kKv = kKvHeads * kHeadDim;
constexpr float kEps = 1e-5f, kBase = 10000.0f;

// A phi3 model's tensors, row-major [rows][cols] as GGUF stores them (dims = {cols, rows}).
struct Weights : reference::TensorSet {
  int64_t n_vocab = 0;
  // LongRoPE metadata, written when the factor tensors are present.
  uint32_t orig_ctx = 0;
  float attn_factor = 1.0f;
};

Weights make_weights(int64_t n_vocab) {
  Weights w;
  w.n_vocab = n_vocab;
  std::mt19937 rng(7);
  const float s = 1.0f / std::sqrt(static_cast<float>(kEmbd));
  w.add("token_embd.weight", {kEmbd, n_vocab}, 1.0f, 0.0f, rng);
  w.add("output_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
  w.add("output.weight", {kEmbd, n_vocab}, s, 0.0f, rng);
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    w.add(p + "attn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    // Larger than 1/sqrt(n) so that attention is far from uniform and RoPE matters.
    w.add(p + "attn_qkv.weight", {kEmbd, kQ + 2 * kKv}, 3 * s, 0.0f, rng);
    w.add(p + "attn_output.weight", {kQ, kEmbd}, 1.0f / std::sqrt(float(kQ)), 0.0f, rng);
    w.add(p + "ffn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    w.add(p + "ffn_up.weight", {kEmbd, 2 * kFf}, s, 0.0f, rng);
    w.add(p + "ffn_down.weight", {kFf, kEmbd}, 1.0f / std::sqrt(float(kFf)), 0.0f, rng);
  }
  return w;
}

// LongRoPE factors (kHeadDim/2 frequency divisors each), as Phi-3-128k carries them.
Weights with_longrope(Weights w, uint32_t orig_ctx) {
  Floats lng(kHeadDim / 2), shrt(kHeadDim / 2);
  for (size_t i = 0; i < lng.size(); ++i) {
    lng[i] = 1.0f + 3.0f * float(i);
    shrt[i] = 1.0f + 0.25f * float(i);
  }
  w.t["rope_factors_long.weight"] = lng;
  w.dims["rope_factors_long.weight"] = {kHeadDim / 2};
  w.t["rope_factors_short.weight"] = shrt;
  w.dims["rope_factors_short.weight"] = {kHeadDim / 2};
  w.orig_ctx = orig_ctx;
  w.attn_factor = 1.2f;
  return w;
}

// The same weights with attn_qkv split into attn_q/k/v (the layout llama.cpp also accepts).
Weights split_qkv(Weights w) {
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    const Floats qkv = w.t[p + "attn_qkv.weight"];
    w.erase(p + "attn_qkv.weight");
    int64_t row = 0;
    const std::pair<const char*, int64_t> parts[] = {
        {"attn_q", kQ}, {"attn_k", kKv}, {"attn_v", kKv}};
    for (const auto& [part, rows] : parts) {
      w.t[p + part + ".weight"] =
          Floats(qkv.begin() + row * kEmbd, qkv.begin() + (row + rows) * kEmbd);
      w.dims[p + part + ".weight"] = {kEmbd, rows};
      row += rows;
    }
  }
  return w;
}

std::string write_model(const Weights& w, const std::string& file) {
  const auto vocab = GgufFile::open(test::stories("stories260K-f32.gguf"));
  GgufWriter g;
  g.set_string("general.architecture", "phi3");
  for (const auto& [k, v] : vocab.metadata())
    if (k.rfind("tokenizer.", 0) == 0) g.set(k, v);
  g.set_u32("phi3.context_length", 256);
  g.set_u32("phi3.embedding_length", kEmbd);
  g.set_u32("phi3.block_count", kLayers);
  g.set_u32("phi3.feed_forward_length", kFf);
  g.set_u32("phi3.attention.head_count", kHeads);
  g.set_u32("phi3.attention.head_count_kv", kKvHeads);
  g.set_u32("phi3.rope.dimension_count", kHeadDim);
  g.set_f32("phi3.rope.freq_base", kBase);
  g.set_f32("phi3.attention.layer_norm_rms_epsilon", kEps);
  // Read and ignored, as llama.cpp ignores it: no layer of these models slides.
  g.set_u32("phi3.attention.sliding_window", 4);
  if (w.orig_ctx > 0) {
    g.set_u32("phi3.rope.scaling.original_context_length", w.orig_ctx);
    g.set_f32("phi3.rope.scaling.attn_factor", w.attn_factor);
  }
  for (const auto& [name, v] : w.t)
    g.add_tensor(name, GgmlType::F32, w.dims.at(name),
                 std::span(reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(float)));
  const std::string path = testing::TempDir() + "/" + file;
  g.write(path);
  return path;
}

// ---- The reference: one token at a time, in double where it sums. ----

Floats rmsnorm(const Floats& x, const Floats& w) {
  return reference::rmsnorm(x, w, kEps);
}

using reference::matvec;

// NeoX rope: pairs (i, i + d/2) of each head; frequency i divided by factors[i] when given,
// cos and sin scaled by mscale.
void rope(Floats& x, int64_t n_heads, int32_t pos, const Floats* factors, double mscale) {
  constexpr int64_t half = kHeadDim / 2;
  for (int64_t h = 0; h < n_heads; ++h)
    for (int64_t i = 0; i < half; ++i) {
      double theta = pos * std::pow(double(kBase), -2.0 * double(i) / double(kHeadDim));
      if (factors) theta /= (*factors)[size_t(i)];
      float* p = x.data() + h * kHeadDim;
      const double c = std::cos(theta) * mscale, s = std::sin(theta) * mscale;
      const double a = p[i], b = p[i + half];
      p[i] = float(a * c - b * s);
      p[i + half] = float(a * s + b * c);
    }
}

// Logits of every position; `factors`: the LongRoPE set the context selects (or null).
std::vector<Floats> reference(Weights& w, const std::vector<int32_t>& tokens,
                              const Floats* factors = nullptr, double mscale = 1.0) {
  std::vector<std::vector<Floats>> keys(kLayers), values(kLayers);
  std::vector<Floats> out;
  for (size_t t = 0; t < tokens.size(); ++t) {
    Floats x(w.t["token_embd.weight"].begin() + tokens[t] * kEmbd,
             w.t["token_embd.weight"].begin() + (tokens[t] + 1) * kEmbd);
    for (int64_t l = 0; l < kLayers; ++l) {
      const std::string p = "blk." + std::to_string(l) + ".";
      const Floats h = rmsnorm(x, w.t[p + "attn_norm.weight"]);
      const Floats& qkv = w.t[p + "attn_qkv.weight"];
      Floats q = matvec(qkv, kEmbd, h, 0, kQ);
      Floats k = matvec(qkv, kEmbd, h, kQ, kKv);
      Floats v = matvec(qkv, kEmbd, h, kQ + kKv, kKv);
      rope(q, kHeads, int32_t(t), factors, mscale);
      rope(k, kKvHeads, int32_t(t), factors, mscale);
      keys[size_t(l)].push_back(k);
      values[size_t(l)].push_back(v);
      const Floats attn = reference::causal_attention(q, keys[size_t(l)], values[size_t(l)], kHeads,
                                                      kKvHeads, kHeadDim);
      const Floats o = matvec(w.t[p + "attn_output.weight"], kQ, attn, 0, kEmbd);
      for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += o[size_t(i)];
      const Floats f = rmsnorm(x, w.t[p + "ffn_norm.weight"]);
      const Floats gate = matvec(w.t[p + "ffn_up.weight"], kEmbd, f, 0, kFf);
      const Floats up = matvec(w.t[p + "ffn_up.weight"], kEmbd, f, kFf, kFf);
      Floats a(static_cast<size_t>(kFf));
      for (int64_t i = 0; i < kFf; ++i) {
        const double gv = gate[size_t(i)];
        a[size_t(i)] = float(gv / (1.0 + std::exp(-gv)) * up[size_t(i)]);
      }
      const Floats d = matvec(w.t[p + "ffn_down.weight"], kFf, a, 0, kEmbd);
      for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += d[size_t(i)];
    }
    out.push_back(
        matvec(w.t["output.weight"], kEmbd, rmsnorm(x, w.t["output_norm.weight"]), 0, w.n_vocab));
  }
  return out;
}

using reference::tandem_logits;

using reference::kTokens;

using reference::stories_vocab;

using reference::expect_close;

using reference::max_diff;

TEST(Phi3Forward, ConfigReadsThePhi3Layout) {
  const auto m = Model::load(write_model(make_weights(stories_vocab()), "phi3_config.gguf"));
  const auto& c = m->config();
  EXPECT_EQ(c.arch, "phi3");
  EXPECT_TRUE(c.rope_neox);  // llama.cpp's llama_model_rope_type: NEOX for PHI3
  EXPECT_TRUE(c.fused_gate_up);
  EXPECT_FALSE(c.post_norms);
  EXPECT_EQ(c.n_swa, 0);  // the sliding_window key does not make layers slide
  const auto& L = m->weights().layers[0];
  EXPECT_EQ(L.q_bias, nullptr);
  // Q, K, V: consecutive row blocks of one tensor.
  EXPECT_EQ(L.wk.data, L.wq.data + kQ * L.wq.row_bytes);
  EXPECT_EQ(L.wv.data, L.wk.data + kKv * L.wk.row_bytes);
  EXPECT_EQ(L.wk.rows, kKv);
  EXPECT_EQ(L.w_up.data, L.w_gate.data + kFf * L.w_gate.row_bytes);
  EXPECT_FALSE(m->weights().tied_output);
}

TEST(Phi3Forward, MatchesTheReferenceAtEveryPosition) {
  Weights w = make_weights(stories_vocab());
  const auto want = reference(w, kTokens);
  expect_close(tandem_logits(write_model(w, "phi3.gguf"), kTokens), want);
}

TEST(Phi3Forward, SplitQkvGivesTheSameLogits) {
  Weights w = make_weights(stories_vocab());
  const auto want = reference(w, kTokens);
  expect_close(tandem_logits(write_model(split_qkv(w), "phi3_split.gguf"), kTokens), want);
}

// Gate first, then up: the file with the halves swapped is a different model.
TEST(Phi3Forward, GateIsTheFirstHalfOfFfnUp) {
  Weights w = make_weights(stories_vocab());
  Weights swapped = w;
  for (int64_t l = 0; l < kLayers; ++l) {
    Floats& up = swapped.t["blk." + std::to_string(l) + ".ffn_up.weight"];
    std::rotate(up.begin(), up.begin() + kFf * kEmbd, up.end());
  }
  const auto want = reference(w, kTokens);
  const auto got = tandem_logits(write_model(swapped, "phi3_swapped.gguf"), kTokens);
  EXPECT_GT(max_diff(got, want), 0.05f);
}

TEST(Phi3Forward, LongRopeFactorsFollowTheContext) {
  Weights w = with_longrope(make_weights(stories_vocab()), 32);
  const std::string path = write_model(w, "phi3_longrope.gguf");
  const Floats lng = w.t["rope_factors_long.weight"], shrt = w.t["rope_factors_short.weight"];
  // A 64-token context is past the original 32: the long factors.
  const auto want_long = reference(w, kTokens, &lng, w.attn_factor);
  expect_close(tandem_logits(path, kTokens, 64), want_long);
  // 32 is not: the short ones.
  const auto want_short = reference(w, kTokens, &shrt, w.attn_factor);
  expect_close(tandem_logits(path, kTokens, 32), want_short);
  // The factors and the attention factor change the result (the checks above are not vacuous).
  EXPECT_GT(max_diff(want_long, want_short), 0.05f);
  EXPECT_GT(max_diff(want_short, reference(w, kTokens)), 0.05f);
}

void expect_refused(const Weights& w, const std::string& file, const std::string& words) {
  reference::expect_load_refused(write_model(w, file), words);
}

TEST(Phi3Forward, MissingOrMisshapenPhi3TensorsAreRefused) {
  Weights w = make_weights(stories_vocab());
  Weights no_qkv = w;
  no_qkv.erase("blk.1.attn_qkv.weight");
  expect_refused(no_qkv, "phi3_no_qkv.gguf", "missing tensor 'blk.1.attn_qkv.weight'");

  // An unfused (llama-style) ffn_up: n_ff rows where phi3 has gate and up, 2 x n_ff.
  Weights half = w;
  half.t["blk.0.ffn_up.weight"].resize(size_t(kEmbd * kFf));
  half.dims["blk.0.ffn_up.weight"] = {kEmbd, kFf};
  expect_refused(half, "phi3_half_up.gguf",
                 "tensor 'blk.0.ffn_up.weight' has shape [64, 96], expected [64, 192]");

  Weights one_set = with_longrope(w, 32);
  one_set.erase("rope_factors_short.weight");
  expect_refused(one_set, "phi3_one_set.gguf", "rope_factors_short.weight is missing");
}

}  // namespace
}  // namespace tandem::engine
