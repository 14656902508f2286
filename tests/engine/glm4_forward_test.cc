// The glm4 block (GLM-4-0414, llama.cpp's LLM_ARCH_GLM4) against a plain reference written
// from its definition: RMS norms after attention and after the FFN, gate and up as the two row
// halves of one ffn_up, Q/K/V biases, "normal" RoPE (adjacent pairs) over half of each head.
// The same weights as one fused attn_qkv must give the same logits; a file missing a glm4
// tensor or carrying the unfused ffn_up shape is refused naming it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
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

constexpr int64_t kEmbd = 64, kHeads = 4, kKvHeads = 2, kHeadDim = 16, kRot = 8, kFf = 96;
constexpr int64_t kLayers = 2;
constexpr float kEps = 1e-5f, kBase = 10000.0f;

// A glm4 model's tensors, row-major [rows][cols] as GGUF stores them (dims = {cols, rows}).
struct Weights : reference::TensorSet {
  int64_t n_vocab = 0;
};

Weights make_weights(int64_t n_vocab) {
  Weights w;
  w.n_vocab = n_vocab;
  std::mt19937 rng(42);
  const int64_t q = kHeads * kHeadDim, kv = kKvHeads * kHeadDim;
  const float s = 1.0f / std::sqrt(static_cast<float>(kEmbd));
  w.add("token_embd.weight", {kEmbd, n_vocab}, 1.0f, 0.0f, rng);
  w.add("output_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
  w.add("output.weight", {kEmbd, n_vocab}, s, 0.0f, rng);
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    w.add(p + "attn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    w.add(p + "attn_q.weight", {kEmbd, q}, s, 0.0f, rng);
    w.add(p + "attn_k.weight", {kEmbd, kv}, s, 0.0f, rng);
    w.add(p + "attn_v.weight", {kEmbd, kv}, s, 0.0f, rng);
    w.add(p + "attn_q.bias", {q}, 0.1f, 0.0f, rng);
    w.add(p + "attn_k.bias", {kv}, 0.1f, 0.0f, rng);
    w.add(p + "attn_v.bias", {kv}, 0.1f, 0.0f, rng);
    w.add(p + "attn_output.weight", {q, kEmbd}, 1.0f / std::sqrt(float(q)), 0.0f, rng);
    w.add(p + "post_attention_norm.weight", {kEmbd}, 0.3f, 1.0f, rng);
    w.add(p + "ffn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    w.add(p + "ffn_up.weight", {kEmbd, 2 * kFf}, s, 0.0f, rng);
    w.add(p + "ffn_down.weight", {kFf, kEmbd}, 1.0f / std::sqrt(float(kFf)), 0.0f, rng);
    w.add(p + "post_ffw_norm.weight", {kEmbd}, 0.3f, 1.0f, rng);
  }
  return w;
}

// Q, K and V (and their biases) as one attn_qkv, the rows stacked q, k, v.
Weights fuse_qkv(Weights w) {
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    for (const char* kind : {"weight", "bias"}) {
      Floats fused;
      for (const char* part : {"attn_q.", "attn_k.", "attn_v."}) {
        const std::string name = p + part + kind;
        fused.insert(fused.end(), w.t[name].begin(), w.t[name].end());
        w.t.erase(name);
        w.dims.erase(name);
      }
      const int64_t rows = (kHeads + 2 * kKvHeads) * kHeadDim;
      w.dims[p + "attn_qkv." + kind] =
          std::string(kind) == "weight" ? std::vector<int64_t>{kEmbd, rows} : std::vector{rows};
      w.t[p + "attn_qkv." + kind] = std::move(fused);
    }
  }
  return w;
}

std::string write_model(const Weights& w, const std::string& file) {
  const auto vocab = GgufFile::open(test::stories("stories260K-f32.gguf"));
  GgufWriter g;
  g.set_string("general.architecture", "glm4");
  for (const auto& [k, v] : vocab.metadata())
    if (k.rfind("tokenizer.", 0) == 0) g.set(k, v);
  g.set_u32("glm4.context_length", 256);
  g.set_u32("glm4.embedding_length", kEmbd);
  g.set_u32("glm4.block_count", kLayers);
  g.set_u32("glm4.feed_forward_length", kFf);
  g.set_u32("glm4.attention.head_count", kHeads);
  g.set_u32("glm4.attention.head_count_kv", kKvHeads);
  g.set_u32("glm4.attention.key_length", kHeadDim);
  g.set_u32("glm4.attention.value_length", kHeadDim);
  g.set_u32("glm4.rope.dimension_count", kRot);
  g.set_f32("glm4.rope.freq_base", kBase);
  g.set_f32("glm4.attention.layer_norm_rms_epsilon", kEps);
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

// ggml's normal rope: pairs (2i, 2i+1) of the first kRot dims of each head.
void rope(Floats& x, int64_t n_heads, int32_t pos) {
  for (int64_t h = 0; h < n_heads; ++h)
    for (int64_t i = 0; i < kRot / 2; ++i) {
      const double theta = pos * std::pow(double(kBase), -2.0 * double(i) / double(kRot));
      float* p = x.data() + h * kHeadDim + 2 * i;
      const double c = std::cos(theta), s = std::sin(theta);
      const double a = p[0], b = p[1];
      p[0] = float(a * c - b * s);
      p[1] = float(a * s + b * c);
    }
}

// Logits of every position of `tokens`.
std::vector<Floats> reference(Weights& w, const std::vector<int32_t>& tokens) {
  const int64_t q_dim = kHeads * kHeadDim, kv_dim = kKvHeads * kHeadDim;
  std::vector<std::vector<Floats>> keys(kLayers), values(kLayers);
  std::vector<Floats> out;
  for (size_t t = 0; t < tokens.size(); ++t) {
    Floats x(w.t["token_embd.weight"].begin() + tokens[t] * kEmbd,
             w.t["token_embd.weight"].begin() + (tokens[t] + 1) * kEmbd);
    for (int64_t l = 0; l < kLayers; ++l) {
      const std::string p = "blk." + std::to_string(l) + ".";
      const Floats h = rmsnorm(x, w.t[p + "attn_norm.weight"]);
      Floats q = matvec(w.t[p + "attn_q.weight"], kEmbd, h, 0, q_dim);
      Floats k = matvec(w.t[p + "attn_k.weight"], kEmbd, h, 0, kv_dim);
      Floats v = matvec(w.t[p + "attn_v.weight"], kEmbd, h, 0, kv_dim);
      for (int64_t i = 0; i < q_dim; ++i) q[size_t(i)] += w.t[p + "attn_q.bias"][size_t(i)];
      for (int64_t i = 0; i < kv_dim; ++i) {
        k[size_t(i)] += w.t[p + "attn_k.bias"][size_t(i)];
        v[size_t(i)] += w.t[p + "attn_v.bias"][size_t(i)];
      }
      rope(q, kHeads, int32_t(t));
      rope(k, kKvHeads, int32_t(t));
      keys[size_t(l)].push_back(k);
      values[size_t(l)].push_back(v);
      const Floats attn = reference::causal_attention(q, keys[size_t(l)], values[size_t(l)], kHeads,
                                                      kKvHeads, kHeadDim);
      const Floats o = rmsnorm(matvec(w.t[p + "attn_output.weight"], q_dim, attn, 0, kEmbd),
                               w.t[p + "post_attention_norm.weight"]);
      for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += o[size_t(i)];
      const Floats f = rmsnorm(x, w.t[p + "ffn_norm.weight"]);
      const Floats gate = matvec(w.t[p + "ffn_up.weight"], kEmbd, f, 0, kFf);
      const Floats up = matvec(w.t[p + "ffn_up.weight"], kEmbd, f, kFf, kFf);
      Floats a(static_cast<size_t>(kFf));
      for (int64_t i = 0; i < kFf; ++i) {
        const double gv = gate[size_t(i)];
        a[size_t(i)] = float(gv / (1.0 + std::exp(-gv)) * up[size_t(i)]);
      }
      const Floats d = rmsnorm(matvec(w.t[p + "ffn_down.weight"], kFf, a, 0, kEmbd),
                               w.t[p + "post_ffw_norm.weight"]);
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

TEST(Glm4Forward, ConfigReadsTheGlm4Layout) {
  const auto m = Model::load(write_model(make_weights(stories_vocab()), "glm4_config.gguf"));
  const auto& c = m->config();
  EXPECT_EQ(c.arch, "glm4");
  EXPECT_FALSE(c.rope_neox);  // ggml's normal rope, as llama.cpp's llama_model_rope_type says
  EXPECT_EQ(c.n_rot, kRot);
  EXPECT_TRUE(c.post_norms);
  EXPECT_TRUE(c.fused_gate_up);
  const auto& L = m->weights().layers[0];
  ASSERT_NE(L.attn_post_norm, nullptr);
  ASSERT_NE(L.ffn_post_norm, nullptr);
  ASSERT_NE(L.q_bias, nullptr);
  EXPECT_EQ(L.w_gate.rows, kFf);
  EXPECT_EQ(L.w_up.rows, kFf);
  // The two halves of one tensor: up starts where gate ends.
  EXPECT_EQ(L.w_up.data, L.w_gate.data + kFf * L.w_gate.row_bytes);
}

TEST(Glm4Forward, MatchesTheReferenceAtEveryPosition) {
  Weights w = make_weights(stories_vocab());
  const auto want = reference(w, kTokens);
  expect_close(tandem_logits(write_model(w, "glm4_split.gguf"), kTokens), want);
}

TEST(Glm4Forward, FusedQkvGivesTheSameLogits) {
  Weights w = make_weights(stories_vocab());
  const auto want = reference(w, kTokens);
  expect_close(tandem_logits(write_model(fuse_qkv(w), "glm4_fused.gguf"), kTokens), want);
}

void expect_refused(const Weights& w, const std::string& file, const std::string& words) {
  reference::expect_load_refused(write_model(w, file), words);
}

TEST(Glm4Forward, MissingOrMisshapenGlm4TensorsAreRefused) {
  Weights w = make_weights(stories_vocab());
  Weights missing = w;
  missing.t.erase("blk.1.post_ffw_norm.weight");
  missing.dims.erase("blk.1.post_ffw_norm.weight");
  expect_refused(missing, "glm4_missing.gguf", "missing tensor 'blk.1.post_ffw_norm.weight'");

  // An unfused (llama-style) ffn_up: n_ff rows where glm4 has gate and up, 2 x n_ff.
  Weights half = w;
  half.t["blk.0.ffn_up.weight"].resize(size_t(kEmbd * kFf));
  half.dims["blk.0.ffn_up.weight"] = {kEmbd, kFf};
  expect_refused(half, "glm4_half_up.gguf",
                 "tensor 'blk.0.ffn_up.weight' has shape [64, 96], expected [64, 192]");

  Weights one_bias = w;
  one_bias.t.erase("blk.0.attn_k.bias");
  one_bias.dims.erase("blk.0.attn_k.bias");
  expect_refused(one_bias, "glm4_one_bias.gguf", "blk.0.attn_q/k/v.bias");
}

}  // namespace
}  // namespace tandem::engine
