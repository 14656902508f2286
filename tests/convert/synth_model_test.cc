#include "convert/synth_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "engine/transformer.h"
#include "support/paths.h"

namespace tandem::convert {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::path(tandem::test::unique_temp_dir()) / name).string();
}

model::ModelConfig small(const std::string& arch, int64_t head_dim = 0) {
  model::ModelConfig c;
  c.arch = arch;
  c.n_embd = 128;
  c.n_layer = 2;
  c.n_head = 4;
  c.n_head_kv = 2;
  c.n_ff = 256;
  c.head_dim = head_dim ? head_dim : 32;
  c.n_rot = c.head_dim;
  c.n_ctx_train = 256;
  c.rope_freq_base = 1e6f;
  c.rms_eps = 1e-6f;
  return c;
}

// Loads a synthesized model and checks one batched prefill equals token-by-token decoding
// (exercises the arch-specific paths: biases, q/k norms, NeoX rope, GQA).
void check_runs(const std::string& path, const model::ModelConfig& want) {
  auto m = engine::Model::load(path);
  const auto& c = m->config();
  EXPECT_EQ(c.arch, want.arch);
  EXPECT_EQ(c.n_embd, want.n_embd);
  EXPECT_EQ(c.head_dim, want.head_dim);
  EXPECT_EQ(c.q_dim(), want.n_head * want.head_dim);
  EXPECT_TRUE(c.rope_neox);
  engine::Transformer tf(*m, 2);
  const std::vector<tokenizer::TokenId> ids = {10, 200, 3000, 42, 7};
  auto cache = tf.make_cache(16);
  const auto batched = tf.forward(engine::Batch::sequence(ids, 0, 0, true), cache);
  const std::vector<float> all(batched.begin(), batched.end());
  for (float x : all) ASSERT_TRUE(std::isfinite(x));
  auto step = tf.make_cache(16);
  const size_t V = static_cast<size_t>(c.n_vocab);
  for (size_t i = 0; i < ids.size(); ++i) {
    engine::Batch b;
    b.add(ids[i], static_cast<int32_t>(i), 0, true);
    const auto row = tf.forward(b, step);
    for (size_t v = 0; v < V; v += 97) ASSERT_NEAR(row[v], all[i * V + v], 2e-3);
  }
}

TEST(Synth, Qwen2StyleModelWithBiasesLoadsAndRuns) {
  SynthOptions o;
  o.shape = small("qwen2");
  o.type = "Q8_0";
  o.vocab_from = test::shared("tokenizers/ggml-vocab-gpt-2.gguf");
  o.tied_output = true;
  o.threads = 2;
  const auto path = temp_path("qwen2.gguf");
  const auto r = synth_model(o, path);
  EXPECT_TRUE(r.fallbacks.empty());
  const auto f = model::GgufFile::open(path);
  EXPECT_NE(f.find_tensor("blk.0.attn_q.bias"), nullptr);
  EXPECT_EQ(f.find_tensor("output.weight"), nullptr);  // tied
  EXPECT_EQ(f.get_string("tokenizer.ggml.pre"), "gpt-2");
  check_runs(path, o.shape);
}

TEST(Synth, Qwen3StyleModelWithQkNormAndWideHeadsLoadsAndRuns) {
  SynthOptions o;
  o.shape = small("qwen3", 64);  // q_dim 256 != n_embd 128, as in real Qwen3
  o.type = "Q4_K";
  o.vocab_from = test::shared("tokenizers/ggml-vocab-gpt-2.gguf");
  o.threads = 2;
  const auto path = temp_path("qwen3.gguf");
  const auto r = synth_model(o, path);
  // 128-wide rows can't hold 256-element K-quant blocks: reported, stored as Q8_0.
  EXPECT_FALSE(r.fallbacks.empty());
  const auto f = model::GgufFile::open(path);
  EXPECT_EQ(f.tensor("blk.0.attn_q.weight").type, model::GgmlType::Q8_0);
  EXPECT_EQ(f.tensor("blk.0.attn_output.weight").type, model::GgmlType::Q4_K);
  EXPECT_NE(f.find_tensor("blk.1.attn_k_norm.weight"), nullptr);
  check_runs(path, o.shape);
}

// Phi-3: one attn_qkv (no bias) and one 2 x n_ff ffn_up; LongRoPE's two factor sets and keys
// when asked; a GPT-2 vocabulary gets a general.name llama.cpp does not treat as Phi-3's.
TEST(Synth, Phi3ModelWithLongRopeLoadsAndRuns) {
  SynthOptions o;
  o.shape = small("phi3");
  o.shape.rope_n_ctx_orig = 64;
  o.type = "Q8_0";
  o.vocab_from = test::shared("tokenizers/ggml-vocab-gpt-2.gguf");
  o.rope_factors = true;
  o.threads = 2;
  const auto path = temp_path("phi3.gguf");
  synth_model(o, path);
  const auto f = model::GgufFile::open(path);
  EXPECT_EQ(f.tensor("blk.0.attn_qkv.weight").dims, (std::vector<int64_t>{128, 128 + 2 * 64}));
  EXPECT_EQ(f.find_tensor("blk.0.attn_qkv.bias"), nullptr);
  EXPECT_EQ(f.find_tensor("blk.0.attn_q.weight"), nullptr);
  EXPECT_EQ(f.find_tensor("blk.0.ffn_gate.weight"), nullptr);
  EXPECT_EQ(f.tensor("blk.1.ffn_up.weight").dims, (std::vector<int64_t>{128, 512}));
  EXPECT_EQ(f.tensor("rope_factors_long.weight").dims, (std::vector<int64_t>{16}));
  EXPECT_NE(f.find_tensor("rope_factors_short.weight"), nullptr);
  EXPECT_EQ(f.get_int("phi3.rope.scaling.original_context_length"), 64);
  // sqrt(1 + ln(256 / 64) / ln(64)), as convert_hf_to_gguf computes it.
  EXPECT_NEAR(f.get_double("phi3.rope.scaling.attn_factor"),
              std::sqrt(1.0 + std::log(4.0) / std::log(64.0)), 1e-6);
  EXPECT_EQ(f.get_string("general.name"), "tandem-synth");
  check_runs(path, o.shape);
  const auto m = engine::Model::load(path);
  EXPECT_NE(m->weights().rope_factors_long, nullptr);
  EXPECT_EQ(m->config().rope_n_ctx_orig, 64);
}

// Llama 3.1's rope_freqs.weight: over head size 32 and base 10000 with a 32-token original
// context, pair 0 (wavelength 2 pi < 32 / 4) keeps its speed, pairs whose wavelength passes 32
// are slowed by the whole factor, the ones between are interpolated, in order.
TEST(Synth, Llama3RopeFreqsFollowTheConversionFormula) {
  SynthOptions o;
  o.shape = small("llama");
  o.shape.rope_freq_base = 10000.0f;
  o.shape.rope_n_ctx_orig = 32;
  o.type = "F16";
  o.vocab_from = test::shared("tokenizers/ggml-vocab-gpt-2.gguf");
  o.llama3_rope_factor = 8.0f;
  o.threads = 2;
  const auto path = temp_path("llama3.gguf");
  synth_model(o, path);
  const auto f = model::GgufFile::open(path);
  const auto& t = f.tensor("rope_freqs.weight");
  ASSERT_EQ(t.dims, (std::vector<int64_t>{16}));
  const auto* d = reinterpret_cast<const float*>(t.data);
  EXPECT_FLOAT_EQ(d[0], 1.0f);
  EXPECT_FLOAT_EQ(d[15], 8.0f);
  int between = 0;
  for (int i = 1; i < 16; ++i) {
    EXPECT_GE(d[i], d[i - 1]);
    between += d[i] > 1.0f && d[i] < 8.0f;
  }
  // 2 pi * 10000^(2i/32) lies in [8, 32] for i = 1, 2 (11.2, 19.9; i = 3 gives 35.3).
  EXPECT_EQ(between, 2);
  EXPECT_FALSE(f.has("llama.rope.scaling.type"));  // as in Meta's files
  const auto m = engine::Model::load(path);
  ASSERT_NE(m->weights().rope_factors, nullptr);
  EXPECT_FLOAT_EQ(m->weights().rope_factors[15], 8.0f);
  o.shape.arch = "qwen2";
  EXPECT_THROW(synth_model(o, temp_path("x.gguf")), std::invalid_argument);
}

TEST(Synth, PresetsHaveRealShapes) {
  const auto t = shape_preset("tinyllama-1.1b");
  EXPECT_EQ(t.n_embd, 2048);
  EXPECT_EQ(t.n_layer, 22);
  EXPECT_EQ(t.n_head_kv, 4);
  EXPECT_EQ(t.n_ff, 5632);
  EXPECT_EQ(shape_preset("llama-3-8b").n_ff, 14336);
  const auto phi = shape_preset("phi-3-mini");
  EXPECT_EQ(phi.arch, "phi3");
  EXPECT_EQ(phi.n_embd, 3072);
  EXPECT_EQ(phi.n_layer, 32);
  EXPECT_EQ(phi.n_head, 32);
  EXPECT_EQ(phi.n_ff, 8192);
  EXPECT_EQ(shape_preset("phi-3-mini-128k").rope_n_ctx_orig, 4096);
  EXPECT_EQ(shape_preset("phi-3-medium").n_head_kv, 10);
  EXPECT_THROW(shape_preset("gpt-5"), std::invalid_argument);
}

TEST(Synth, BadInputsAreRejected) {
  SynthOptions o;
  o.shape = small("qwen2");
  o.vocab_from = "";
  EXPECT_THROW(synth_model(o, temp_path("x.gguf")), std::invalid_argument);
  o.vocab_from = test::shared("tokenizers/ggml-vocab-gpt-2.gguf");
  o.type = "Q9_9";
  EXPECT_THROW(synth_model(o, temp_path("x.gguf")), std::invalid_argument);
  o.type = "Q8_0";
  o.shape.arch = "mamba";
  EXPECT_THROW(synth_model(o, temp_path("x.gguf")), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::convert
