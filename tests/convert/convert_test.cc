// export-hf -> convert round trips of stories260K (exact in F32, the known-good story in BF16),
// sharded weights, a Qwen2 directory, and one-line errors for broken directories.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "convert/hf_export.h"
#include "convert/hf_import.h"
#include "convert/safetensors.h"
#include "engine/generate.h"
#include "kernels/quant/quant_formats.h"
#include "model/gguf_file.h"
#include "support/paths.h"
#include "support/process.h"
#include "tokenizer/unicode.h"

namespace tandem::convert {
namespace {

namespace fs = std::filesystem;
using tokenizer::TokenId;

std::vector<TokenId> greedy_ids(const engine::Model& m, int64_t n, const std::string& prompt = "") {
  engine::Transformer tf(m, 2);
  auto cache = tf.make_cache(512);
  engine::SamplerParams p;
  p.temperature = 0;
  engine::Sampler sampler(p, static_cast<int32_t>(m.config().n_vocab));
  std::vector<TokenId> ids;
  engine::generate(tf, cache, m.tokenizer().encode(prompt, true, false), sampler, n,
                   [&](TokenId id) {
                     ids.push_back(id);
                     return true;
                   });
  return ids;
}

std::string detok(const engine::Model& m, const std::vector<TokenId>& ids) {
  std::string text;
  for (auto id : ids) text += m.tokenizer().token_to_piece(id);
  if (!text.empty() && text[0] == ' ') text.erase(0, 1);
  return text;
}

std::string export_dir(const std::string& type, uint64_t shard = 0) {
  HfExportOptions o;
  o.model = test::stories("stories260K-f32.gguf");
  o.out_dir = test::unique_temp_dir() + "/hf-" + type + (shard ? "-sharded" : "");
  o.type = type;
  o.shard_size = shard;
  export_hf(o);
  return o.out_dir;
}

std::string convert(const std::string& dir, const std::string& type, const std::string& name) {
  HfImportOptions o;
  o.dir = dir;
  o.output = test::unique_temp_dir() + "/" + name;
  o.type = type;
  convert_hf(o);
  return o.output;
}

void expect_same_tensor(const model::GgufTensorInfo& a, const model::GgufTensorInfo* b) {
  ASSERT_NE(b, nullptr) << a.name;
  EXPECT_EQ(a.type, b->type) << a.name;
  EXPECT_EQ(a.dims, b->dims) << a.name;
  ASSERT_EQ(a.nbytes, b->nbytes) << a.name;
  EXPECT_EQ(std::memcmp(a.data, b->data, a.nbytes), 0) << a.name << " differs";
}

TEST(Convert, F32RoundTripIsByteIdentical) {
  const auto orig = model::GgufFile::open(test::stories("stories260K-f32.gguf"));
  const std::string dir = export_dir("f32");
  const auto cfg = nlohmann::json::parse(std::ifstream(dir + "/config.json"));
  EXPECT_EQ(cfg["architectures"][0], "LlamaForCausalLM");
  EXPECT_EQ(cfg["hidden_size"], 64);
  EXPECT_EQ(cfg["intermediate_size"], 172);
  EXPECT_EQ(cfg["num_key_value_heads"], 4);
  EXPECT_EQ(cfg["tie_word_embeddings"], true);  // stories260K shares its classifier
  const auto st = SafetensorsFile::open(dir + "/model.safetensors");
  EXPECT_EQ(st.find("lm_head.weight"), nullptr);
  ASSERT_NE(st.find("model.layers.4.self_attn.k_proj.weight"), nullptr);
  EXPECT_EQ(st.find("model.layers.0.mlp.down_proj.weight")->shape, (std::vector<int64_t>{64, 172}));

  const auto conv = model::GgufFile::open(convert(dir, "f32", "rt-f32.gguf"));
  for (const auto& t : orig.tensors()) {
    if (t.name == "output.weight") {
      // Tied: llama.cpp reuses token_embd, which equals the original output.weight.
      EXPECT_EQ(conv.find_tensor("output.weight"), nullptr);
      expect_same_tensor(t, conv.find_tensor("token_embd.weight"));
      continue;
    }
    expect_same_tensor(t, conv.find_tensor(t.name));
  }
  EXPECT_EQ(conv.tensors().size(), orig.tensors().size() - 1);
  for (const char* key :
       {"tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
        "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
        "tokenizer.ggml.unknown_token_id", "llama.embedding_length", "llama.block_count",
        "llama.context_length", "llama.attention.head_count_kv", "llama.rope.dimension_count"}) {
    const auto* a = orig.find(key);
    const auto* b = conv.find(key);
    ASSERT_NE(a, nullptr) << key;
    ASSERT_NE(b, nullptr) << key;
    if (a->is_array()) {
      EXPECT_EQ(a->as_array().items.size(), b->as_array().items.size()) << key;
    }
    if (std::string(key) == "tokenizer.ggml.tokens")
      EXPECT_EQ(a->as_string_list(), b->as_string_list());
    else if (std::string(key) == "tokenizer.ggml.scores")
      EXPECT_EQ(a->as_float_list(), b->as_float_list());
    else if (std::string(key) == "tokenizer.ggml.token_type")
      EXPECT_EQ(a->as_int_list(), b->as_int_list());
    else if (a->is_string())
      EXPECT_EQ(a->as_string(), b->as_string()) << key;
    else
      EXPECT_EQ(a->as_double(), b->as_double()) << key;
  }
  EXPECT_FLOAT_EQ(static_cast<float>(conv.get_double("llama.attention.layer_norm_rms_epsilon")),
                  1e-5f);
}

// The acceptance round trip: HF directory in BF16, back to GGUF, greedy 200 tokens.
TEST(Convert, Bf16RoundTripGivesTheKnownGoodStory) {
  const std::string dir = export_dir("bf16");
  EXPECT_EQ(SafetensorsFile::open(dir + "/model.safetensors").find("model.norm.weight")->dtype,
            "BF16");
  auto orig = engine::Model::load(test::stories("stories260K-f32.gguf"));
  const auto want = greedy_ids(*orig, 200);
  ASSERT_EQ(detok(*orig, want), test::stories_golden_text());
  for (const std::string type : {"f32", "bf16", "f16"}) {
    auto m = engine::Model::load(convert(dir, type, "rt-bf16-" + type + ".gguf"));
    const auto got = greedy_ids(*m, 200);
    size_t first = 0;
    while (first < std::min(got.size(), want.size()) && got[first] == want[first]) ++first;
    std::cout << "bf16 HF dir -> " << type << " GGUF: "
              << (first == want.size() && got.size() == want.size()
                      ? "same 200 greedy tokens as the original"
                      : "first diverges at token " + std::to_string(first))
              << "\n";
    RecordProperty("first_divergence_" + type, static_cast<int>(first));
    // BF16 rounding of the weights legitimately flips a near-tie late in the story: measured
    // at token 185 of 200 for every GGUF type ("Lily said" instead of "Lily didn't"), while
    // the F32 round trip is byte-identical. An earlier divergence means a real regression.
    EXPECT_GE(first, 185u) << type << ": first diverging token index " << first;
    std::vector<TokenId> same(want.begin(), want.begin() + static_cast<long>(first));
    const std::string prefix = detok(*m, same);
    EXPECT_EQ(test::stories_golden_text().substr(0, prefix.size()), prefix) << type;
  }
}

TEST(Convert, ShardedExportLoadsLikeTheSingleFile) {
  const std::string dir = export_dir("bf16", 48 * 1024);
  ASSERT_TRUE(fs::exists(dir + "/model.safetensors.index.json"));
  EXPECT_FALSE(fs::exists(dir + "/model.safetensors"));
  const auto index = nlohmann::json::parse(std::ifstream(dir + "/model.safetensors.index.json"));
  std::set<std::string> shards;
  for (const auto& [k, v] : index["weight_map"].items()) shards.insert(v.get<std::string>());
  EXPECT_GE(shards.size(), 3u);
  std::string n = std::to_string(shards.size());
  n.insert(0, 5 - n.size(), '0');
  EXPECT_EQ(*shards.begin(), "model-00001-of-" + n + ".safetensors");
  EXPECT_EQ(*shards.rbegin(), "model-" + n + "-of-" + n + ".safetensors");
  const auto a = model::GgufFile::open(convert(dir, "f32", "sharded.gguf"));
  const auto b = model::GgufFile::open(convert(export_dir("bf16"), "f32", "single.gguf"));
  ASSERT_EQ(a.tensors().size(), b.tensors().size());
  for (const auto& t : b.tensors()) expect_same_tensor(t, a.find_tensor(t.name));
}

TEST(Convert, Llama2cCheckpointExportsLikeItsGguf) {
  const std::string out = test::unique_temp_dir() + "/from-bin";
  auto r = test::run_tandem({"export-hf", "-m", test::stories("stories260K.bin"), "-z",
                             test::stories("tok512.bin"), "-o", out, "--type", "f32"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = model::GgufFile::open(convert(out, "f32", "from-bin.gguf"));
  const auto b = model::GgufFile::open(convert(export_dir("f32"), "f32", "from-gguf.gguf"));
  for (const auto& t : b.tensors()) expect_same_tensor(t, a.find_tensor(t.name));
}

// A tiny Qwen2 directory: byte-level BPE, q/k/v biases, a chat template, untied lm_head.
std::string write_qwen2_dir(const std::string& dir, bool drop_bias = false) {
  fs::create_directories(dir);
  const int64_t d = 32, ff = 48, layers = 2, heads = 4, kv = 2, hd = d / heads;
  const auto& bytes = tokenizer::unicode::gpt2_byte_to_utf8();
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  for (int b = 0; b < 256; ++b) vocab[bytes[static_cast<size_t>(b)]] = b;
  const std::string G = bytes[' '];  // "Ġ"
  const std::vector<std::pair<std::string, std::string>> merges = {
      {"h", "e"}, {G, "t"}, {"l", "l"}, {"he", "ll"}, {G + "t", "he"}};
  int64_t id = 256;
  nlohmann::ordered_json mj = nlohmann::ordered_json::array();
  for (const auto& [a, b] : merges) {
    vocab[a + b] = id++;
    mj.push_back({a, b});  // the newer [a, b] form
  }
  const int64_t eot = id++;
  const int64_t n_vocab = 272;  // padded beyond the tokenizer, as Qwen2 checkpoints are
  nlohmann::ordered_json tok = {
      {"version", "1.0"},
      {"added_tokens", {{{"id", eot}, {"content", "<|endoftext|>"}, {"special", true}}}},
      {"pre_tokenizer", {{"type", "ByteLevel"}}},
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", mj}, {"byte_fallback", false}}}};
  std::ofstream(dir + "/tokenizer.json") << tok.dump();
  nlohmann::ordered_json tc = {
      {"eos_token", "<|endoftext|>"},
      {"pad_token", "<|endoftext|>"},
      {"bos_token", nullptr},
      {"chat_template", "{% for m in messages %}{{ m['content'] }}{% endfor %}"}};
  std::ofstream(dir + "/tokenizer_config.json") << tc.dump();
  nlohmann::ordered_json cfg = {{"architectures", {"Qwen2ForCausalLM"}},
                                {"hidden_size", d},
                                {"intermediate_size", ff},
                                {"num_hidden_layers", layers},
                                {"num_attention_heads", heads},
                                {"num_key_value_heads", kv},
                                {"vocab_size", n_vocab},
                                {"max_position_embeddings", 128},
                                {"rms_norm_eps", 1e-6},
                                {"rope_theta", 1000000.0},
                                {"tie_word_embeddings", false},
                                {"torch_dtype", "bfloat16"}};
  std::ofstream(dir + "/config.json") << cfg.dump();
  SafetensorsWriter w;
  uint32_t seed = 1;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, bool norm) {
    int64_t n = 1;
    for (auto s : shape) n *= s;
    std::vector<uint8_t> data(static_cast<size_t>(n) * 2);
    for (int64_t i = 0; i < n; ++i) {
      seed = seed * 1664525u + 1013904223u;
      const float u = static_cast<float>(seed >> 8) / static_cast<float>(1 << 24) - 0.5f;
      const uint16_t h = kernels::f32_to_bf16(norm ? 1.0f + 0.1f * u : 0.2f * u);
      std::memcpy(data.data() + 2 * i, &h, 2);
    }
    w.add(name, "BF16", std::move(shape), std::move(data));
  };
  add("model.embed_tokens.weight", {n_vocab, d}, false);
  for (int64_t l = 0; l < layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    add(p + "input_layernorm.weight", {d}, true);
    add(p + "self_attn.q_proj.weight", {heads * hd, d}, false);
    add(p + "self_attn.k_proj.weight", {kv * hd, d}, false);
    add(p + "self_attn.v_proj.weight", {kv * hd, d}, false);
    if (!(drop_bias && l == 1)) add(p + "self_attn.q_proj.bias", {heads * hd}, false);
    add(p + "self_attn.k_proj.bias", {kv * hd}, false);
    add(p + "self_attn.v_proj.bias", {kv * hd}, false);
    add(p + "self_attn.o_proj.weight", {d, heads * hd}, false);
    add(p + "post_attention_layernorm.weight", {d}, true);
    add(p + "mlp.gate_proj.weight", {ff, d}, false);
    add(p + "mlp.up_proj.weight", {ff, d}, false);
    add(p + "mlp.down_proj.weight", {d, ff}, false);
  }
  add("model.norm.weight", {d}, true);
  add("lm_head.weight", {n_vocab, d}, false);
  w.write(dir + "/model.safetensors");
  return dir;
}

TEST(Convert, Qwen2DirectoryBecomesALoadableGguf) {
  const std::string dir = write_qwen2_dir(test::unique_temp_dir() + "/qwen2");
  const std::string out = convert(dir, "bf16", "qwen2.gguf");
  const auto g = model::GgufFile::open(out);
  EXPECT_EQ(g.get_string("general.architecture"), "qwen2");
  EXPECT_EQ(g.get_string("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(g.get_string("tokenizer.ggml.pre"), "qwen2");
  EXPECT_EQ(g.find("tokenizer.ggml.tokens")->as_string_list().size(), 272u);
  EXPECT_EQ(g.find("tokenizer.ggml.tokens")->as_string_list()[270], "[PAD270]");
  EXPECT_EQ(g.find("tokenizer.ggml.token_type")->as_int_list()[261], 3);  // <|endoftext|>
  EXPECT_EQ(g.find("tokenizer.ggml.merges")->as_string_list()[1],
            tokenizer::unicode::gpt2_byte_to_utf8()[' '] + " t");
  EXPECT_EQ(g.get_int("tokenizer.ggml.eos_token_id"), 261);
  EXPECT_FALSE(g.has("tokenizer.ggml.bos_token_id"));
  EXPECT_EQ(g.get_string("tokenizer.chat_template").substr(0, 6), "{% for");
  EXPECT_FLOAT_EQ(static_cast<float>(g.get_double("qwen2.rope.freq_base")), 1e6f);
  EXPECT_EQ(g.tensor("blk.1.attn_q.bias").type, model::GgmlType::F32);
  EXPECT_EQ(g.tensor("blk.0.attn_q.weight").type, model::GgmlType::BF16);
  EXPECT_EQ(g.tensor("output.weight").dims, (std::vector<int64_t>{32, 272}));
  // No rope permutation for Qwen2: the q rows are the safetensors rows, in order.
  const auto st = SafetensorsFile::open(dir + "/model.safetensors");
  const auto* q = st.find("model.layers.0.self_attn.q_proj.weight");
  ASSERT_EQ(q->data.size(), g.tensor("blk.0.attn_q.weight").nbytes);
  EXPECT_EQ(std::memcmp(q->data.data(), g.tensor("blk.0.attn_q.weight").data, q->data.size()), 0);

  auto m = engine::Model::load(out);
  // " the" merges to one token, " hello" to Ġ hell o.
  EXPECT_EQ(m->tokenizer().encode(" the hello", false, false).size(), 4u);
  EXPECT_EQ(greedy_ids(*m, 5, " the").size(), 5u);
}

void expect_one_line_error(const test::ProcessResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto pos = r.err.find("error: ");
  ASSERT_NE(pos, std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle, pos), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n', pos), r.err.size() - 1) << "more than one error line: " << r.err;
}

TEST(ConvertCli, ExportAndConvertThroughTheBinary) {
  const std::string tmp = test::unique_temp_dir();
  auto r = test::run_tandem({"export-hf", "-m", test::stories("stories260K-f32.gguf"), "-o",
                             tmp + "/hf", "--shard-size", "65536"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("model.safetensors.index.json"), std::string::npos) << r.out;
  r = test::run_tandem({"convert", tmp + "/hf", "-o", tmp + "/m.gguf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run_tandem({"run", "-m", tmp + "/m.gguf", "-n", "30", "--temp", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Once upon a time"), std::string::npos) << r.out;
}

TEST(ConvertCli, MissingTensorIsOneError) {
  const std::string dir = write_qwen2_dir(test::unique_temp_dir() + "/q", /*drop_bias=*/true);
  expect_one_line_error(test::run_tandem({"convert", dir, "-o", dir + "/x.gguf"}),
                        "missing tensor model.layers.1.self_attn.q_proj.bias");
}

TEST(ConvertCli, ShapeMismatchIsOneError) {
  const std::string dir = write_qwen2_dir(test::unique_temp_dir() + "/q");
  auto cfg = nlohmann::json::parse(std::ifstream(dir + "/config.json"));
  cfg["intermediate_size"] = 64;
  std::ofstream(dir + "/config.json") << cfg.dump();
  expect_one_line_error(
      test::run_tandem({"convert", dir, "-o", dir + "/x.gguf"}),
      "model.layers.0.mlp.gate_proj.weight has shape [48, 32], expected [64, 32]");
}

TEST(ConvertCli, CorruptSafetensorsIsOneError) {
  const std::string dir = write_qwen2_dir(test::unique_temp_dir() + "/q");
  fs::resize_file(dir + "/model.safetensors", fs::file_size(dir + "/model.safetensors") - 10);
  expect_one_line_error(test::run_tandem({"convert", dir, "-o", dir + "/x.gguf"}),
                        dir + "/model.safetensors: tensor 'lm_head.weight': data_offsets");
}

TEST(ConvertCli, MissingWeightsAndBadConfigAreOneError) {
  const std::string dir = write_qwen2_dir(test::unique_temp_dir() + "/q");
  fs::remove(dir + "/model.safetensors");
  expect_one_line_error(test::run_tandem({"convert", dir, "-o", dir + "/x.gguf"}),
                        "no model.safetensors or model.safetensors.index.json");
  std::ofstream(dir + "/config.json") << R"({"architectures": ["GPT2LMHeadModel"]})";
  expect_one_line_error(test::run_tandem({"convert", dir, "-o", dir + "/x.gguf"}),
                        "unsupported architecture GPT2LMHeadModel");
  expect_one_line_error(
      test::run_tandem({"export-hf", "-m", test::stories("stories260K.bin"), "-o", dir + "/y"}),
      "needs its tokenizer file");
}

}  // namespace
}  // namespace tandem::convert
