// The gemma2 and gemma3 blocks (llama.cpp's GEMMA2 / GEMMA3 graphs) against a plain reference
// written from their definition: token embeddings times sqrt(n_embd), RMS norms after attention
// and after the FFN, GeGLU (gelu tanh), NeoX RoPE, a tied output; sliding-window attention on
// gemma2's even layers and on five of every six gemma3 layers (whose RoPE base is then 10000,
// not the global one); gemma2's attention and final logit soft-capping; gemma3's QK norms.
// Whether the window is on the right layers is also seen from outside: tokens before a sliding
// layer's window do not reach its output, a global layer's they do.
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
constexpr int64_t kSwa = 4;  // keys a sliding layer sees: shorter than the test sequences
constexpr float kEps = 1e-6f, kBase = 1000000.0f, kSwaBase = 10000.0f;

struct Spec {
  std::string arch = "gemma2";
  int64_t layers = 2;
  float attn_cap = 0.7f;   // low enough to bite on random weights
  float final_cap = 1.5f;  // likewise
  bool gemma3() const { return arch == "gemma3"; }
  bool swa(int64_t l) const {
    const int64_t pattern = gemma3() ? 6 : 2;
    return l % pattern < pattern - 1;
  }
};

// A model's tensors, row-major [rows][cols] as GGUF stores them (dims = {cols, rows}).
struct Weights : reference::TensorSet {
  Spec spec;
  int64_t n_vocab = 0;
};

using reference::stories_vocab;

Weights make_weights(const Spec& spec) {
  Weights w;
  w.spec = spec;
  w.n_vocab = stories_vocab();
  std::mt19937 rng(7);
  const int64_t q = kHeads * kHeadDim, kv = kKvHeads * kHeadDim;
  const float s = 1.0f / std::sqrt(static_cast<float>(kEmbd));
  // Small entries: the sqrt(n_embd) scale brings them back to about 1.
  w.add("token_embd.weight", {kEmbd, w.n_vocab}, 0.15f, 0.0f, rng);
  w.add("output_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
  for (int64_t l = 0; l < spec.layers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    w.add(p + "attn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    w.add(p + "attn_q.weight", {kEmbd, q}, 2 * s, 0.0f, rng);
    w.add(p + "attn_k.weight", {kEmbd, kv}, 2 * s, 0.0f, rng);
    w.add(p + "attn_v.weight", {kEmbd, kv}, s, 0.0f, rng);
    if (spec.gemma3()) {
      w.add(p + "attn_q_norm.weight", {kHeadDim}, 0.3f, 1.0f, rng);
      w.add(p + "attn_k_norm.weight", {kHeadDim}, 0.3f, 1.0f, rng);
    }
    w.add(p + "attn_output.weight", {q, kEmbd}, 1.0f / std::sqrt(float(q)), 0.0f, rng);
    w.add(p + "post_attention_norm.weight", {kEmbd}, 0.3f, 1.0f, rng);
    w.add(p + "ffn_norm.weight", {kEmbd}, 0.1f, 1.0f, rng);
    w.add(p + "ffn_gate.weight", {kEmbd, kFf}, s, 0.0f, rng);
    w.add(p + "ffn_up.weight", {kEmbd, kFf}, s, 0.0f, rng);
    w.add(p + "ffn_down.weight", {kFf, kEmbd}, 1.0f / std::sqrt(float(kFf)), 0.0f, rng);
    w.add(p + "post_ffw_norm.weight", {kEmbd}, 0.3f, 1.0f, rng);
  }
  return w;
}

std::string write_model(const Weights& w, const std::string& file) {
  const auto vocab = GgufFile::open(test::stories("stories260K-f32.gguf"));
  const std::string a = w.spec.arch + ".";
  GgufWriter g;
  g.set_string("general.architecture", w.spec.arch);
  for (const auto& [k, v] : vocab.metadata())
    if (k.rfind("tokenizer.", 0) == 0) g.set(k, v);
  g.set_u32(a + "context_length", 256);
  g.set_u32(a + "embedding_length", kEmbd);
  g.set_u32(a + "block_count", static_cast<uint32_t>(w.spec.layers));
  g.set_u32(a + "feed_forward_length", kFf);
  g.set_u32(a + "attention.head_count", kHeads);
  g.set_u32(a + "attention.head_count_kv", kKvHeads);
  g.set_u32(a + "attention.key_length", kHeadDim);
  g.set_u32(a + "attention.value_length", kHeadDim);
  g.set_f32(a + "rope.freq_base", kBase);
  g.set_f32(a + "attention.layer_norm_rms_epsilon", kEps);
  g.set_u32(a + "attention.sliding_window", kSwa);
  if (!w.spec.gemma3()) {
    g.set_f32(a + "attn_logit_softcapping", w.spec.attn_cap);
    g.set_f32(a + "final_logit_softcapping", w.spec.final_cap);
  }
  for (const auto& [name, v] : w.t)
    g.add_tensor(name, GgmlType::F32, w.dims.at(name),
                 std::span(reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(float)));
  const std::string path = testing::TempDir() + "/" + file;
  g.write(path);
  return path;
}

// ---- The reference: one token at a time, in double where it sums. ----

Floats rmsnorm(const Floats& x, const Floats& w, size_t off = 0, size_t n = 0) {
  return reference::rmsnorm(x, w, kEps, off, n);
}

Floats matvec(const Floats& m, int64_t cols, const Floats& x, int64_t rows) {
  return reference::matvec(m, cols, x, 0, rows);
}

// NeoX rope: pairs (i, i + head_dim/2) of each head.
void rope(Floats& x, int64_t n_heads, int32_t pos, double base) {
  for (int64_t h = 0; h < n_heads; ++h)
    for (int64_t i = 0; i < kHeadDim / 2; ++i) {
      const double theta = pos * std::pow(base, -2.0 * double(i) / double(kHeadDim));
      float* p = x.data() + h * kHeadDim;
      const double c = std::cos(theta), s = std::sin(theta);
      const double a = p[i], b = p[i + kHeadDim / 2];
      p[i] = float(a * c - b * s);
      p[i + kHeadDim / 2] = float(a * s + b * c);
    }
}

void head_norms(Floats& x, int64_t n_heads, const Floats& w) {
  for (int64_t h = 0; h < n_heads; ++h) {
    const Floats y = rmsnorm(x, w, size_t(h * kHeadDim), size_t(kHeadDim));
    std::copy(y.begin(), y.end(), x.begin() + h * kHeadDim);
  }
}

double gelu_tanh(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}

// Logits of every position of `tokens`.
std::vector<Floats> reference(Weights& w, const std::vector<int32_t>& tokens) {
  const Spec& sp = w.spec;
  const int64_t q_dim = kHeads * kHeadDim, kv_dim = kKvHeads * kHeadDim;
  std::vector<std::vector<Floats>> keys(size_t(sp.layers)), values(size_t(sp.layers));
  std::vector<Floats> out;
  const Floats& emb = w.t["token_embd.weight"];
  for (size_t t = 0; t < tokens.size(); ++t) {
    Floats x(emb.begin() + tokens[t] * kEmbd, emb.begin() + (tokens[t] + 1) * kEmbd);
    for (auto& v : x) v *= std::sqrt(float(kEmbd));
    for (int64_t l = 0; l < sp.layers; ++l) {
      const std::string p = "blk." + std::to_string(l) + ".";
      const Floats h = rmsnorm(x, w.t[p + "attn_norm.weight"]);
      Floats q = matvec(w.t[p + "attn_q.weight"], kEmbd, h, q_dim);
      Floats k = matvec(w.t[p + "attn_k.weight"], kEmbd, h, kv_dim);
      Floats v = matvec(w.t[p + "attn_v.weight"], kEmbd, h, kv_dim);
      if (sp.gemma3()) {
        head_norms(q, kHeads, w.t[p + "attn_q_norm.weight"]);
        head_norms(k, kKvHeads, w.t[p + "attn_k_norm.weight"]);
      }
      const double base = sp.gemma3() && sp.swa(l) ? kSwaBase : kBase;
      rope(q, kHeads, int32_t(t), base);
      rope(k, kKvHeads, int32_t(t), base);
      keys[size_t(l)].push_back(k);
      values[size_t(l)].push_back(v);
      // A sliding layer's query at t sees keys t - kSwa < j <= t.
      const size_t first = sp.swa(l) && t + 1 > size_t(kSwa) ? t + 1 - size_t(kSwa) : 0;
      Floats attn(size_t(q_dim), 0.0f);
      for (int64_t hd = 0; hd < kHeads; ++hd) {
        const int64_t g = hd / (kHeads / kKvHeads);
        std::vector<double> score(t + 1, 0.0);
        double mx = -1e300;
        for (size_t j = first; j <= t; ++j) {
          double d = 0;
          for (int64_t i = 0; i < kHeadDim; ++i)
            d +=
                double(q[size_t(hd * kHeadDim + i)]) * keys[size_t(l)][j][size_t(g * kHeadDim + i)];
          d /= std::sqrt(double(kHeadDim));
          if (!sp.gemma3()) d = sp.attn_cap * std::tanh(d / sp.attn_cap);
          score[j] = d;
          mx = std::max(mx, d);
        }
        double sum = 0;
        for (size_t j = first; j <= t; ++j) sum += (score[j] = std::exp(score[j] - mx));
        for (int64_t i = 0; i < kHeadDim; ++i) {
          double acc = 0;
          for (size_t j = first; j <= t; ++j)
            acc += score[j] / sum * values[size_t(l)][j][size_t(g * kHeadDim + i)];
          attn[size_t(hd * kHeadDim + i)] = float(acc);
        }
      }
      const Floats o = rmsnorm(matvec(w.t[p + "attn_output.weight"], q_dim, attn, kEmbd),
                               w.t[p + "post_attention_norm.weight"]);
      for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += o[size_t(i)];
      const Floats f = rmsnorm(x, w.t[p + "ffn_norm.weight"]);
      const Floats gate = matvec(w.t[p + "ffn_gate.weight"], kEmbd, f, kFf);
      const Floats up = matvec(w.t[p + "ffn_up.weight"], kEmbd, f, kFf);
      Floats a(static_cast<size_t>(kFf));
      for (int64_t i = 0; i < kFf; ++i)
        a[size_t(i)] = float(gelu_tanh(gate[size_t(i)]) * up[size_t(i)]);
      const Floats d = rmsnorm(matvec(w.t[p + "ffn_down.weight"], kFf, a, kEmbd),
                               w.t[p + "post_ffw_norm.weight"]);
      for (int64_t i = 0; i < kEmbd; ++i) x[size_t(i)] += d[size_t(i)];
    }
    Floats logits = matvec(emb, kEmbd, rmsnorm(x, w.t["output_norm.weight"]), w.n_vocab);
    if (!sp.gemma3())
      for (auto& z : logits) z = sp.final_cap * std::tanh(z / sp.final_cap);
    out.push_back(std::move(logits));
  }
  return out;
}

// All positions' logits, from one prompt batch or (one_by_one) a token per forward.
std::vector<Floats> tandem_logits(const std::string& path, const std::vector<int32_t>& tokens,
                                  bool one_by_one = false) {
  const auto m = Model::load(path);
  Transformer tf(*m, 2);
  auto cache = tf.make_cache(64, 1, GgmlType::F32);
  const size_t n_vocab = static_cast<size_t>(m->config().n_vocab);
  std::vector<Floats> rows;
  if (one_by_one) {
    for (size_t t = 0; t < tokens.size(); ++t) {
      const std::vector<int32_t> one = {tokens[t]};
      const auto l = tf.forward(Batch::sequence(one, int32_t(t), 0, true), cache);
      rows.emplace_back(l.begin(), l.end());
    }
    return rows;
  }
  const auto all = tf.forward(Batch::sequence(tokens, 0, 0, true), cache);
  for (size_t t = 0; t < tokens.size(); ++t)
    rows.emplace_back(all.begin() + t * n_vocab, all.begin() + (t + 1) * n_vocab);
  return rows;
}

using reference::kTokens;

using reference::expect_close;

double max_diff(const Floats& a, const Floats& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::abs(a[i] - b[i])));
  return d;
}

TEST(GemmaForward, ConfigReadsTheGemma2Layout) {
  const auto m = Model::load(write_model(make_weights({}), "gemma2_config.gguf"));
  const auto& c = m->config();
  EXPECT_EQ(c.arch, "gemma2");
  EXPECT_TRUE(c.rope_neox);
  EXPECT_TRUE(c.post_norms && c.embd_scale && c.gelu_ffn);
  EXPECT_FALSE(c.qk_norm);
  EXPECT_EQ(c.n_swa, kSwa);
  EXPECT_TRUE(c.is_swa(0));  // llama.cpp's set_swa_pattern(2): even layers slide
  EXPECT_FALSE(c.is_swa(1));
  EXPECT_FLOAT_EQ(c.attn_softcap, 0.7f);
  EXPECT_FLOAT_EQ(c.final_softcap, 1.5f);
  EXPECT_FLOAT_EQ(c.attention_scale(), 0.25f);
  EXPECT_TRUE(m->weights().tied_output);
  const auto& L = m->weights().layers[1];
  EXPECT_NE(L.attn_post_norm, nullptr);
  EXPECT_NE(L.ffn_post_norm, nullptr);
}

TEST(GemmaForward, ConfigReadsTheGemma3Layout) {
  const auto m =
      Model::load(write_model(make_weights({.arch = "gemma3", .layers = 6}), "gemma3_config.gguf"));
  const auto& c = m->config();
  EXPECT_TRUE(c.qk_norm);
  EXPECT_EQ(c.attn_softcap, 0.0f);
  EXPECT_EQ(c.final_softcap, 0.0f);
  EXPECT_FLOAT_EQ(c.rope_freq_base, kBase);
  EXPECT_FLOAT_EQ(c.rope_freq_base_swa, kSwaBase);
  for (int64_t l = 0; l < 5; ++l) EXPECT_TRUE(c.is_swa(l)) << l;
  EXPECT_FALSE(c.is_swa(5));  // set_swa_pattern(6): the sixth layer is global
  EXPECT_NE(m->weights().layers[0].q_norm, nullptr);
}

TEST(GemmaForward, Gemma2MatchesTheReferenceAtEveryPosition) {
  Weights w = make_weights({.layers = 3});
  const auto want = reference(w, kTokens);
  const std::string path = write_model(w, "gemma2_ref.gguf");
  expect_close(tandem_logits(path, kTokens), want);
  expect_close(tandem_logits(path, kTokens, /*one_by_one=*/true), want);
}

TEST(GemmaForward, Gemma3MatchesTheReferenceAtEveryPosition) {
  Weights w = make_weights({.arch = "gemma3", .layers = 7});
  const auto want = reference(w, kTokens);
  const std::string path = write_model(w, "gemma3_ref.gguf");
  expect_close(tandem_logits(path, kTokens), want);
  expect_close(tandem_logits(path, kTokens, /*one_by_one=*/true), want);
}

TEST(GemmaForward, SoftCapsBoundTheLogitsAndMatter) {
  Weights w = make_weights({});
  const auto got = tandem_logits(write_model(w, "gemma2_cap.gguf"), kTokens);
  for (const auto& row : got)
    for (float z : row) ASSERT_LT(std::abs(z), 1.5f);
  // The same weights with caps too high to act: a different answer, so both caps were applied
  // (the reference match above pins their values).
  Weights loose = w;
  loose.spec.attn_cap = loose.spec.final_cap = 1e4f;
  const auto uncapped = tandem_logits(write_model(loose, "gemma2_nocap.gguf"), kTokens);
  EXPECT_GT(max_diff(got.back(), uncapped.back()), 0.05);
}

// A token before the window of every sliding layer reaches the last position only through a
// global layer: one gemma2 layer (sliding) cannot see it, two (sliding, global) can.
TEST(GemmaForward, TokensBeforeTheWindowReachOnlyGlobalLayers) {
  std::vector<int32_t> other = kTokens;
  other[1] = 77;  // more than kSwa positions before the last
  for (int64_t layers : {1, 2}) {
    const std::string path = write_model(make_weights({.layers = layers}),
                                         "gemma2_window" + std::to_string(layers) + ".gguf");
    const auto a = tandem_logits(path, kTokens), b = tandem_logits(path, other);
    if (layers == 1) {
      EXPECT_EQ(max_diff(a.back(), b.back()), 0.0) << "the sliding layer saw past its window";
      EXPECT_GT(max_diff(a[2], b[2]), 0.0);  // inside the window it does see it
    } else {
      EXPECT_GT(max_diff(a.back(), b.back()), 1e-4) << "the global layer did not see it";
    }
  }
}

void expect_refused(const Weights& w, const std::string& file, const std::string& words) {
  reference::expect_load_refused(write_model(w, file), words);
}

TEST(GemmaForward, MissingGemmaTensorsAreRefusedByName) {
  Weights post = make_weights({});
  post.erase("blk.1.post_ffw_norm.weight");
  expect_refused(post, "gemma2_missing.gguf", "missing tensor 'blk.1.post_ffw_norm.weight'");
  Weights qn = make_weights({.arch = "gemma3", .layers = 6});
  qn.erase("blk.3.attn_k_norm.weight");
  expect_refused(qn, "gemma3_missing.gguf", "missing tensor 'blk.3.attn_k_norm.weight'");
}

TEST(GemmaForward, Gemma3WithoutASlidingWindowIsRefused) {
  Weights w = make_weights({.arch = "gemma3", .layers = 6});
  const std::string path = write_model(w, "gemma3_noswa.gguf");
  // Rewrite without the key: llama.cpp requires it for gemma3.
  auto f = GgufFile::open(path);
  GgufWriter g;
  for (const auto& [k, v] : f.metadata())
    if (k != "gemma3.attention.sliding_window") g.set(k, v);
  for (const auto& [name, v] : w.t)
    g.add_tensor(name, GgmlType::F32, w.dims.at(name),
                 std::span(reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(float)));
  const std::string bare = testing::TempDir() + "/gemma3_noswa_bare.gguf";
  g.write(bare);
  try {
    Model::load(bare);
    ADD_FAILURE() << "loaded";
  } catch (const model::ModelFileError& e) {
    EXPECT_NE(std::string(e.what()).find("gemma3.attention.sliding_window"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tandem::engine
