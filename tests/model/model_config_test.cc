// Semantic validation of model metadata (src/model/model_config.cc, metadata_checks.cc): each
// absurd value the engine would trust is written into a real GGUF file (stories260K with one
// or two keys replaced) and must be refused at load with one line naming the key and value.
// Every published model still loads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "model/gguf_file.h"
#include "model/gguf_writer.h"
#include "model/llama2c.h"
#include "model/model_config.h"

namespace tandem::model {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Key → new value; std::nullopt removes the key.
using Overrides = std::vector<std::pair<std::string, std::optional<GgufValue>>>;
// Tensor name → new type and shape (zero-filled); std::nullopt removes the tensor.
struct TensorShape {
  GgmlType type;
  std::vector<int64_t> dims;
};
using TensorOverrides = std::vector<std::pair<std::string, std::optional<TensorShape>>>;

template <typename T>
const T* find_override(const std::vector<std::pair<std::string, T>>& list, const std::string& k) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& o) { return o.first == k; });
  return it == list.end() ? nullptr : &it->second;
}

// stories260K-f32.gguf with `overrides` applied, written to a file private to this test.
std::string write_variant(const Overrides& overrides, const TensorOverrides& tensors = {}) {
  static int serial = 0;
  const auto src = GgufFile::open(test::stories("stories260K-f32.gguf"));
  GgufWriter w;
  for (const auto& [key, value] : src.metadata()) {
    const auto* o = find_override(overrides, key);
    if (!o)
      w.set(key, value);
    else if (*o)
      w.set(key, **o);
  }
  for (const auto& [key, value] : overrides)
    if (value && !src.has(key)) w.set(key, *value);
  for (const auto& t : src.tensors()) {
    const auto* o = find_override(tensors, t.name);
    if (!o)
      w.add_tensor(t.name, t.type, t.dims, std::span<const uint8_t>(t.data, t.nbytes));
    else if (*o)
      w.add_tensor_lazy(t.name, (*o)->type, (*o)->dims, [](std::span<uint8_t>) {});
  }
  const std::string path = (std::filesystem::path(test::unique_temp_dir()) /
                            ("variant" + std::to_string(serial++) + ".gguf"))
                               .string();
  w.write(path);
  return path;
}

ModelConfig load(const Overrides& overrides) {
  return ModelConfig::from_gguf(GgufFile::open(write_variant(overrides)));
}

// Loads the variant and returns the refusal ("" and a failure when it loads).
std::string refusal(const Overrides& overrides, const TensorOverrides& tensors = {}) {
  const std::string path = write_variant(overrides, tensors);
  try {
    ModelConfig::from_gguf(GgufFile::open(path));
  } catch (const ModelFileError& e) {
    const std::string msg = e.what();
    EXPECT_THAT(msg, StartsWith(path + ": "));
    EXPECT_THAT(msg, Not(HasSubstr("\n")));
    return msg;
  }
  ADD_FAILURE() << "loaded";
  return "";
}

// One bad value: the refusal names the key and contains `words` (the value and the rule).
void expect_refused(const std::string& key, GgufValue value, const std::string& words,
                    Overrides extra = {}) {
  SCOPED_TRACE(key + " = " + value.to_display_string());
  extra.emplace_back(key, std::move(value));
  const std::string msg = refusal(extra);
  EXPECT_THAT(msg, HasSubstr(key));
  EXPECT_THAT(msg, HasSubstr(words));
}

TEST(ModelConfigValidation, StoriesVariantWithoutChangesLoads) {
  const auto c = load({});
  EXPECT_EQ(c.n_embd, 64);
  EXPECT_EQ(c.n_vocab, 512);
}

TEST(ModelConfigValidation, RmsEpsilonMustBeFiniteAndInZeroOne) {
  const std::string key = "llama.attention.layer_norm_rms_epsilon";
  expect_refused(key, GgufValue(kNaN), "= nan is invalid: it must be a finite number above 0");
  expect_refused(key, GgufValue(kInf), "= inf is invalid");
  expect_refused(key, GgufValue(-kInf), "= -inf is invalid");
  expect_refused(key, GgufValue(0.0f), "= 0 is invalid");
  expect_refused(key, GgufValue(-1.0f), "= -1 is invalid");
  expect_refused(key, GgufValue(1.0),
                 "= 1 is invalid: it must be a finite number above 0 and "
                 "below 1");
  expect_refused(key, GgufValue(std::string("1e-5")), "number");  // wrong type
  EXPECT_FLOAT_EQ(load({{key, GgufValue(1e-6f)}}).rms_eps, 1e-6f);
}

TEST(ModelConfigValidation, LayerNormEpsilonMustBeFiniteAndInZeroOne) {
  const std::string key = "llama.attention.layer_norm_epsilon";
  expect_refused(key, GgufValue(kNaN), "= nan is invalid");
  expect_refused(key, GgufValue(kInf), "= inf is invalid");
  expect_refused(key, GgufValue(0.0f), "= 0 is invalid");
  expect_refused(key, GgufValue(-1.0f), "= -1 is invalid");
  EXPECT_NO_THROW(load({{key, GgufValue(1e-5f)}}));
}

TEST(ModelConfigValidation, RopeFrequencyBaseAndScalingMustBeFinitePositive) {
  const std::string base = "llama.rope.freq_base";
  expect_refused(base, GgufValue(kNaN), "= nan is invalid");
  expect_refused(base, GgufValue(kInf), "= inf is invalid");
  expect_refused(base, GgufValue(0.0f), "= 0 is invalid");
  expect_refused(base, GgufValue(-10000.0f), "= -10000 is invalid");
  const Overrides linear = {{"llama.rope.scaling.type", GgufValue(std::string("linear"))}};
  expect_refused("llama.rope.scaling.factor", GgufValue(kNaN), "= nan is invalid", linear);
  expect_refused("llama.rope.scaling.factor", GgufValue(0.0f), "= 0 is invalid", linear);
  expect_refused("llama.rope.scaling.type", GgufValue(std::string("longrope")), "'longrope'");
  Overrides ok = linear;
  ok.emplace_back("llama.rope.scaling.factor", GgufValue(4.0f));
  EXPECT_FLOAT_EQ(load(ok).rope_freq_scale, 0.25f);
  EXPECT_FALSE(load(ok).rope_yarn);
}

TEST(ModelConfigValidation, YarnReadsItsOriginalContextAndBetas) {
  const Overrides yarn = {{"llama.rope.scaling.type", GgufValue(std::string("yarn"))},
                          {"llama.rope.scaling.factor", GgufValue(4.0f)}};
  const auto plain = load(yarn);
  EXPECT_TRUE(plain.rope_yarn);
  EXPECT_FLOAT_EQ(plain.rope_freq_scale, 0.25f);
  EXPECT_EQ(plain.rope_n_ctx_orig, plain.n_ctx_train);  // absent: the training context
  EXPECT_FLOAT_EQ(plain.yarn_beta_fast, 32.0f);
  EXPECT_FLOAT_EQ(plain.yarn_beta_slow, 1.0f);
  Overrides given = yarn;
  given.emplace_back("llama.rope.scaling.original_context_length", GgufValue(uint32_t{4096}));
  given.emplace_back("llama.rope.scaling.yarn_beta_fast", GgufValue(16.0f));
  const auto set = load(given);
  EXPECT_EQ(set.rope_n_ctx_orig, 4096);
  EXPECT_FLOAT_EQ(set.yarn_beta_fast, 16.0f);
  expect_refused("llama.rope.scaling.yarn_beta_slow", GgufValue(kNaN), "= nan is invalid", yarn);
}

TEST(ModelConfigValidation, ContextLengthMustBeBetween16And2To24) {
  const std::string key = "llama.context_length";
  for (uint32_t v : {0u, 3u, 15u, (1u << 24) + 1, 2147483647u, 0xFFFFFFFFu})
    expect_refused(key, GgufValue(v),
                   "= " + std::to_string(v) + " is invalid: it must be between 16 and 16777216");
  expect_refused(key, GgufValue(int32_t{-1}), "= -1 is invalid");
  expect_refused(key, GgufValue(std::numeric_limits<uint64_t>::max()), "out of range");
  EXPECT_EQ(load({{key, GgufValue(16u)}}).n_ctx_train, 16);
  EXPECT_EQ(load({{key, GgufValue(1u << 24)}}).n_ctx_train, 1 << 24);
}

TEST(ModelConfigValidation, DimensionsMustBePositiveAndBounded) {
  expect_refused("llama.block_count", GgufValue(0u), "= 0 is invalid: it must be between 1 and");
  expect_refused("llama.block_count", GgufValue(4097u), "= 4097 is invalid");
  expect_refused("llama.block_count", GgufValue(int32_t{-1}), "= -1 is invalid");
  expect_refused("llama.embedding_length", GgufValue(0u), "= 0 is invalid");
  expect_refused("llama.embedding_length", GgufValue((1u << 20) + 64), "= 1048640 is invalid");
  expect_refused("llama.feed_forward_length", GgufValue(0u), "= 0 is invalid");
  expect_refused("llama.feed_forward_length", GgufValue(2147483647u), "= 2147483647 is invalid");
  expect_refused("llama.attention.head_count", GgufValue(0u), "= 0 is invalid");
  expect_refused("llama.attention.head_count", GgufValue(1u << 21), "= 2097152 is invalid");
}

TEST(ModelConfigValidation, KvHeadsMustDivideHeads) {
  const std::string key = "llama.attention.head_count_kv";
  expect_refused(key, GgufValue(0u), "= 0 is invalid: it must be between 1 and 8");
  expect_refused(key, GgufValue(16u), "= 16 is invalid: it must be between 1 and 8");
  expect_refused(key, GgufValue(3u), "= 3 is invalid: it must divide llama.attention.head_count");
  // Absent: as many KV heads as heads.
  EXPECT_EQ(load({{key, std::nullopt}}).n_head_kv, 8);
}

TEST(ModelConfigValidation, HeadSizeMustBeConsistent) {
  // Without key_length the head size is embedding / heads, which must divide evenly.
  expect_refused("llama.embedding_length", GgufValue(64u),
                 "is not a multiple of llama.attention.head_count = 6",
                 {{"llama.attention.head_count", GgufValue(6u)},
                  {"llama.attention.head_count_kv", GgufValue(3u)}});
  expect_refused("llama.attention.key_length", GgufValue(0u), "= 0 is invalid");
  expect_refused("llama.attention.key_length", GgufValue(1u << 18), "exceeds 1048576");
  expect_refused("llama.attention.value_length", GgufValue(0u), "= 0 is invalid");
  expect_refused("llama.attention.value_length", GgufValue(16u), "= 16 differs from key_length 8");
  EXPECT_EQ(load({{"llama.attention.key_length", GgufValue(8u)}}).head_dim, 8);
}

TEST(ModelConfigValidation, RopeDimensionsMustBeEvenAndFitTheHead) {
  const std::string key = "llama.rope.dimension_count";
  expect_refused(key, GgufValue(0u), "= 0 is invalid: it must be between 2 and 8");
  expect_refused(key, GgufValue(9u), "= 9 is invalid: it must be between 2 and 8");
  expect_refused(key, GgufValue(7u), "= 7 is invalid: it must be even");
  EXPECT_EQ(load({{key, GgufValue(4u)}}).n_rot, 4);
}

// Expert layers run for qwen2moe/qwen3moe only (tests/engine/qwen3moe_forward_test.cc); a llama
// file with experts is refused.
TEST(ModelConfigValidation, ExpertCountsAreCheckedAndExpertModelsRefused) {
  expect_refused("llama.expert_count", GgufValue(8u),
                 "= 8: mixture-of-experts layers are supported for qwen2moe/qwen3moe only");
  expect_refused("llama.expert_count", GgufValue(int32_t{-1}), "= -1 is invalid");
  expect_refused("llama.expert_count", GgufValue(5000u), "= 5000 is invalid");
  expect_refused("llama.expert_used_count", GgufValue(2u),
                 "= 2 is invalid: it must be between 0 and 0");
  expect_refused("llama.expert_used_count", GgufValue(9u),
                 "= 9 is invalid: it must be between 0 and 8",
                 {{"llama.expert_count", GgufValue(8u)}});
  EXPECT_NO_THROW(
      load({{"llama.expert_count", GgufValue(0u)}, {"llama.expert_used_count", GgufValue(0u)}}));
}

TEST(ModelConfigValidation, VocabularySizesMustAgreeWithTheEmbedding) {
  expect_refused("llama.vocab_size", GgufValue(1000u),
                 "= 1000 differs from token_embd.weight rows = 512");
  const auto src = GgufFile::open(test::stories("stories260K-f32.gguf"));
  auto tokens = src.find("tokenizer.ggml.tokens")->as_string_list();
  tokens.pop_back();
  std::vector<GgufValue> items;
  for (auto& t : tokens) items.emplace_back(std::move(t));
  expect_refused("tokenizer.ggml.tokens", GgufValue::array(GgufValueType::STRING, std::move(items)),
                 "has 511 entries but token_embd.weight rows = 512");
  EXPECT_EQ(load({{"llama.vocab_size", GgufValue(512u)}}).n_vocab, 512);
}

TEST(ModelConfigValidation, VocabularySizeMustBeBetweenOneAnd2To24) {
  // One I8 column keeps the oversized embedding at 16 MiB on disk.
  const auto huge =
      refusal({}, {{"token_embd.weight", TensorShape{GgmlType::I8, {1, (1 << 24) + 1}}}});
  EXPECT_THAT(huge, HasSubstr("vocabulary size (token_embd.weight rows) = 16777217 is invalid: "
                              "it must be between 1 and 16777216"));
  // Without an embedding the token list gives the size; an empty one is refused.
  const auto empty =
      refusal({{"tokenizer.ggml.tokens", GgufValue::array(GgufValueType::STRING, {})}},
              {{"token_embd.weight", std::nullopt}});
  EXPECT_THAT(empty, HasSubstr("vocabulary size (tokenizer.ggml.tokens) = 0 is invalid"));
}

TEST(ModelConfigValidation, SpecialTokenIdsMustBeInsideTheVocabulary) {
  for (const char* key :
       {"tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id",
        "tokenizer.ggml.sep_token_id", "tokenizer.ggml.fim_pre_token_id"}) {
    expect_refused(key, GgufValue(512u), "= 512 is outside the vocabulary of 512 tokens");
    expect_refused(key, GgufValue(2147483647u), "= 2147483647 is outside the vocabulary");
    expect_refused(key, GgufValue(int32_t{-2}), "= -2 is outside the vocabulary");
  }
  expect_refused("tokenizer.ggml.eos_token_id", GgufValue(std::string("2")), "integer");
  // -1 (int32 or uint32) means "none"; the last id is inside.
  EXPECT_NO_THROW(load({{"tokenizer.ggml.eot_token_id", GgufValue(int32_t{-1})},
                        {"tokenizer.ggml.sep_token_id", GgufValue(0xFFFFFFFFu)},
                        {"tokenizer.ggml.eos_token_id", GgufValue(511u)}}));
  // llama.cpp ignores bad UNK and padding ids with a warning, and so does the tokenizer.
  EXPECT_NO_THROW(load({{"tokenizer.ggml.padding_token_id", GgufValue(70000u)},
                        {"tokenizer.ggml.unknown_token_id", GgufValue(512u)}}));
}

TEST(ModelConfigValidation, PublishedModelsLoad) {
  for (const char* rel :
       {"models/stories260K/stories260K-f32.gguf", "models/stories260K/stories260K-F16.gguf",
        "models/stories260K/stories260K-Q4_K_M.gguf", "models/weak281K/weak281K-f32.gguf",
        "models/stories-code1M/stories-code1M-f32.gguf"}) {
    SCOPED_TRACE(rel);
    EXPECT_NO_THROW(ModelConfig::from_gguf(GgufFile::open(test::shared(rel))));
  }
  const std::string tok = test::stories("tok512.bin");
  for (const char* rel : {"models/stories260K/stories260K.bin", "models/weak281K/weak281K.bin",
                          "models/stories-code1M/stories-code1M.bin"}) {
    SCOPED_TRACE(rel);
    EXPECT_NO_THROW(ModelConfig::from_gguf(load_llama2c(test::shared(rel), tok)));
  }
}

}  // namespace
}  // namespace tandem::model
