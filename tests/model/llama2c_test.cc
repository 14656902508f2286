// llama2.c checkpoint conversion against llama.cpp's converter output, and ModelConfig.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/paths.h"

#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "model/gguf_file.h"
#include "model/llama2c.h"
#include "model/model_config.h"

namespace tandem::model {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kDir = TANDEM_SHARED_DIR "/models/stories260K";
const std::string kCheckpoint = kDir + "/stories260K.bin";
const std::string kTokenizer = kDir + "/tok512.bin";
const std::string kGgufF32 = kDir + "/stories260K-f32.gguf";

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::path(tandem::test::unique_temp_dir()) / "tandem_llama2c_test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string write_temp(const std::string& name, const std::vector<uint8_t>& bytes) {
  const auto path = temp_path(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Runs `fn` and returns the ModelFileError message ("" and a failure when nothing is thrown).
template <typename F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const ModelFileError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected ModelFileError";
  return "";
}

class Llama2c : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    converted_ = std::make_unique<GgufFile>(load_llama2c(kCheckpoint, kTokenizer));
    reference_ = std::make_unique<GgufFile>(GgufFile::open(kGgufF32));
  }
  static void TearDownTestSuite() {
    converted_.reset();
    reference_.reset();
  }
  static std::unique_ptr<GgufFile> converted_;
  static std::unique_ptr<GgufFile> reference_;
};
std::unique_ptr<GgufFile> Llama2c::converted_;
std::unique_ptr<GgufFile> Llama2c::reference_;

TEST_F(Llama2c, TensorsAreByteIdenticalToLlamaCppConversion) {
  const auto& ref = *reference_;
  const auto& got = *converted_;
  ASSERT_FALSE(ref.tensors().empty());
  // 1 embedding + 9 per layer * 5 + output norm (+ output, which the reference may omit when
  // the embedding is shared).
  EXPECT_GE(ref.tensors().size(), 47u);
  for (const auto& r : ref.tensors()) {
    SCOPED_TRACE(r.name);
    const GgufTensorInfo* t = got.find_tensor(r.name);
    ASSERT_NE(t, nullptr) << "converted model lacks " << r.name;
    EXPECT_EQ(r.type, GgmlType::F32);
    EXPECT_EQ(t->type, r.type);
    EXPECT_EQ(t->dims, r.dims);
    ASSERT_EQ(t->nbytes, r.nbytes);
    EXPECT_EQ(std::memcmp(t->data, r.data, r.nbytes), 0);
  }
  // Nothing the reference lacks except a tied output matrix equal to the embedding.
  for (const auto& t : got.tensors()) {
    if (ref.find_tensor(t.name)) continue;
    EXPECT_EQ(t.name, "output.weight");
    const auto& embd = ref.tensor("token_embd.weight");
    ASSERT_EQ(t.nbytes, embd.nbytes);
    EXPECT_EQ(std::memcmp(t.data, embd.data, t.nbytes), 0);
  }
}

TEST_F(Llama2c, ConvertedShapes) {
  const auto& got = *converted_;
  EXPECT_EQ(got.tensor("token_embd.weight").dims, (std::vector<int64_t>{64, 512}));
  EXPECT_EQ(got.tensor("blk.0.attn_k.weight").dims, (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(got.tensor("blk.4.ffn_down.weight").dims, (std::vector<int64_t>{172, 64}));
  EXPECT_EQ(got.tensor("blk.4.ffn_up.weight").dims, (std::vector<int64_t>{64, 172}));
  EXPECT_EQ(got.tensor("output_norm.weight").dims, (std::vector<int64_t>{64}));
  EXPECT_EQ(got.find_tensor("blk.5.attn_q.weight"), nullptr);
  EXPECT_EQ(got.path(), kCheckpoint);
}

TEST_F(Llama2c, TokenizerArraysMatchReference) {
  const auto& ref = *reference_;
  const auto& got = *converted_;
  const auto tokens = got.find("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  const auto ref_tokens = ref.find("tokenizer.ggml.tokens")->as_string_list();
  ASSERT_EQ(ref_tokens.size(), 512u);
  EXPECT_EQ(tokens->as_string_list(), ref_tokens);

  const auto* scores = got.find("tokenizer.ggml.scores");
  ASSERT_NE(scores, nullptr);
  EXPECT_EQ(scores->as_array().element_type, GgufValueType::FLOAT32);
  EXPECT_EQ(scores->as_float_list(), ref.find("tokenizer.ggml.scores")->as_float_list());

  const auto* types = got.find("tokenizer.ggml.token_type");
  ASSERT_NE(types, nullptr);
  EXPECT_EQ(types->as_array().element_type,
            ref.find("tokenizer.ggml.token_type")->as_array().element_type);
  EXPECT_EQ(types->as_int_list(), ref.find("tokenizer.ggml.token_type")->as_int_list());

  EXPECT_EQ(got.get_string("tokenizer.ggml.model"), ref.get_string("tokenizer.ggml.model"));
  for (const char* key : {"tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                          "tokenizer.ggml.unknown_token_id"}) {
    SCOPED_TRACE(key);
    if (ref.has(key)) {
      EXPECT_EQ(got.get_int(key), ref.get_int(key));
    }
  }
}

TEST_F(Llama2c, HyperparametersMatchReference) {
  const auto& ref = *reference_;
  const auto& got = *converted_;
  for (const char* key :
       {"llama.embedding_length", "llama.feed_forward_length", "llama.attention.head_count",
        "llama.attention.head_count_kv", "llama.block_count", "llama.rope.dimension_count"}) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(ref.has(key));
    EXPECT_EQ(got.get_int(key), ref.get_int(key));
  }
  EXPECT_EQ(got.get_string("general.architecture"), "llama");
  // llama.cpp's converter writes its own --ctx default (128); we keep the checkpoint's seq_len.
  EXPECT_EQ(got.get_int("llama.context_length"), 512);
  EXPECT_FLOAT_EQ(static_cast<float>(got.get_double("llama.attention.layer_norm_rms_epsilon")),
                  static_cast<float>(ref.get_double("llama.attention.layer_norm_rms_epsilon")));

  const auto a = ModelConfig::from_gguf(got);
  const auto b = ModelConfig::from_gguf(ref);
  EXPECT_EQ(a.n_embd, b.n_embd);
  EXPECT_EQ(a.n_layer, b.n_layer);
  EXPECT_EQ(a.n_head, b.n_head);
  EXPECT_EQ(a.n_head_kv, b.n_head_kv);
  EXPECT_EQ(a.n_ff, b.n_ff);
  EXPECT_EQ(a.n_vocab, b.n_vocab);
  EXPECT_EQ(a.head_dim, b.head_dim);
}

TEST(ModelConfigStories, FromF32Gguf) {
  const auto f = GgufFile::open(kGgufF32);
  const auto c = ModelConfig::from_gguf(f);
  EXPECT_EQ(c.arch, "llama");
  EXPECT_EQ(c.n_embd, 64);
  EXPECT_EQ(c.n_layer, 5);
  EXPECT_EQ(c.n_head, 8);
  EXPECT_EQ(c.n_head_kv, 4);
  EXPECT_EQ(c.n_ff, 172);
  EXPECT_EQ(c.n_vocab, 512);
  EXPECT_EQ(c.head_dim, 8);
  EXPECT_EQ(c.n_rot, 8);
  EXPECT_EQ(c.q_dim(), 64);
  EXPECT_EQ(c.kv_dim(), 32);
  EXPECT_FALSE(c.rope_neox);
  EXPECT_FALSE(c.qkv_bias);
  EXPECT_FALSE(c.qk_norm);
}

TEST(Llama2cErrors, LooksLikeLlama2c) {
  EXPECT_TRUE(looks_like_llama2c(kCheckpoint));
  EXPECT_FALSE(looks_like_llama2c(kGgufF32));
  EXPECT_FALSE(looks_like_llama2c(temp_path("missing.bin")));
}

TEST(Llama2cErrors, MissingTokenizerPath) {
  const auto msg = error_of([] { load_llama2c(kCheckpoint, ""); });
  EXPECT_THAT(msg, StartsWith(kCheckpoint + ": "));
  EXPECT_THAT(msg, HasSubstr("tokenizer"));
}

TEST(Llama2cErrors, NonexistentTokenizerFile) {
  const auto missing = temp_path("no_such_tok.bin");
  const auto msg = error_of([&] { load_llama2c(kCheckpoint, missing); });
  EXPECT_THAT(msg, StartsWith(missing + ": cannot open"));
}

TEST(Llama2cErrors, NonexistentCheckpoint) {
  const auto missing = temp_path("no_such_model.bin");
  const auto msg = error_of([&] { load_llama2c(missing, kTokenizer); });
  EXPECT_THAT(msg, StartsWith(missing + ": cannot open"));
}

TEST(Llama2cErrors, TruncatedCheckpoint) {
  const auto full = read_all(kCheckpoint);
  ASSERT_GT(full.size(), 1000u);
  for (size_t len : {size_t{0}, size_t{10}, size_t{28}, size_t{29}, size_t{1000}, full.size() / 2,
                     full.size() - 4, full.size() - 1}) {
    SCOPED_TRACE(len);
    const auto path = write_temp("truncated.bin",
                                 {full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len)});
    const auto msg = error_of([&] { load_llama2c(path, kTokenizer); });
    EXPECT_THAT(msg, StartsWith(path + ": "));
    EXPECT_THAT(msg, HasSubstr("truncated"));
    EXPECT_THAT(msg, Not(HasSubstr("\n")));
  }
}

TEST(Llama2cErrors, TrailingBytesInCheckpoint) {
  auto bytes = read_all(kCheckpoint);
  bytes.resize(bytes.size() + 8, 0);
  const auto path = write_temp("long.bin", bytes);
  const auto msg = error_of([&] { load_llama2c(path, kTokenizer); });
  EXPECT_THAT(msg, StartsWith(path + ": 8 unexpected bytes"));
}

TEST(Llama2cErrors, ImplausibleHeader) {
  auto bytes = read_all(kCheckpoint);
  const int32_t bad_heads = 7;  // 64 is not a multiple of 7
  std::memcpy(bytes.data() + 12, &bad_heads, 4);
  const auto path = write_temp("bad_header.bin", bytes);
  const auto msg = error_of([&] { load_llama2c(path, kTokenizer); });
  EXPECT_THAT(msg, StartsWith(path + ": not a llama2.c checkpoint"));
}

TEST(Llama2cErrors, ImplausibleHeaderFieldsAreNamed) {
  // Header layout: dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len.
  struct Case {
    size_t field;
    int32_t value;
    const char* words;
  };
  const auto original = read_all(kCheckpoint);
  for (const Case& c : std::vector<Case>{
           {0, 0, "dim = 0, expected 1 to 65536"},
           {1, -1, "hidden_dim = -1, expected 1 to 262144"},
           {2, 0, "n_layers = 0, expected 1 to 1024"},
           {3, 65, "n_heads = 65, expected 1 to 64"},
           {3, 7, "dim = 64, n_heads = 7, n_kv_heads = 4; heads must divide dim"},
           {4, 9, "n_kv_heads = 9, expected 1 to 8"},
           {4, 3, "n_kv_heads = 3; heads must divide dim and kv heads must divide heads"},
           {5, 1 << 21, "vocab_size = 2097152, expected 1 to 1048576"},
           {6, 3, "seq_len = 3, expected 16 to 16777216"},
           {6, 0, "seq_len = 0, expected 16 to 16777216"},
           {6, INT32_MAX, "seq_len = 2147483647, expected 16 to 16777216"},
       }) {
    SCOPED_TRACE(c.words);
    auto bytes = original;
    std::memcpy(bytes.data() + 4 * c.field, &c.value, 4);
    const auto path = write_temp("named_header.bin", bytes);
    const auto msg = error_of([&] { load_llama2c(path, kTokenizer); });
    EXPECT_THAT(msg, StartsWith(path + ": not a llama2.c checkpoint (implausible header: "));
    EXPECT_THAT(msg, HasSubstr(c.words));
  }
}

TEST(Llama2cErrors, MostNegativeVocabSize) {
  // A negative vocab_size means "separate classifier"; INT32_MIN has no absolute value.
  auto bytes = read_all(kCheckpoint);
  const int32_t vocab = INT32_MIN;
  std::memcpy(bytes.data() + 20, &vocab, 4);
  const auto path = write_temp("min_vocab.bin", bytes);
  const auto msg = error_of([&] { load_llama2c(path, kTokenizer); });
  EXPECT_THAT(msg, StartsWith(path + ": not a llama2.c checkpoint"));
}

TEST(Llama2cVariants, NegativeVocabSizeReadsSeparateClassifier) {
  auto bytes = read_all(kCheckpoint);
  const int32_t vocab = -512;
  std::memcpy(bytes.data() + 20, &vocab, 4);
  std::vector<uint8_t> classifier(512 * 64 * sizeof(float));
  for (size_t i = 0; i < classifier.size(); ++i) classifier[i] = static_cast<uint8_t>(i * 13);
  bytes.insert(bytes.end(), classifier.begin(), classifier.end());
  const auto path = write_temp("unshared.bin", bytes);
  const auto f = load_llama2c(path, kTokenizer);
  const auto& out = f.tensor("output.weight");
  EXPECT_EQ(out.dims, (std::vector<int64_t>{64, 512}));
  ASSERT_EQ(out.nbytes, classifier.size());
  EXPECT_EQ(std::memcmp(out.data, classifier.data(), classifier.size()), 0);
  EXPECT_NE(std::memcmp(out.data, f.tensor("token_embd.weight").data, out.nbytes), 0);
  EXPECT_EQ(ModelConfig::from_gguf(f).n_vocab, 512);
}

TEST(Llama2cErrors, ExtremeHeaderFieldsNeverCrash) {
  const auto original = read_all(kCheckpoint);
  for (size_t field = 0; field < 7; ++field)
    for (int32_t v : {0, -1, 1, INT32_MIN, INT32_MAX, 1 << 16, 3}) {
      SCOPED_TRACE(testing::Message() << "field " << field << " = " << v);
      auto bytes = original;
      std::memcpy(bytes.data() + 4 * field, &v, 4);
      const auto path = write_temp("extreme.bin", bytes);
      try {
        load_llama2c(path, kTokenizer);
      } catch (const ModelFileError& e) {
        // A vocab_size larger than the tokenizer's is reported against the tokenizer.
        EXPECT_THAT(e.what(),
                    testing::AnyOf(StartsWith(path + ": "), StartsWith(kTokenizer + ": ")));
        EXPECT_THAT(e.what(), Not(HasSubstr("\n")));
      }
    }
}

TEST(Llama2cErrors, GgufPassedAsCheckpoint) {
  EXPECT_FALSE(looks_like_llama2c(kGgufF32));
  // Even when forced, it must be refused with an error, not misread.
  const auto msg = error_of([] { load_llama2c(kGgufF32, kTokenizer); });
  EXPECT_THAT(msg, StartsWith(kGgufF32 + ": "));
}

TEST(Llama2cErrors, TruncatedTokenizer) {
  const auto full = read_all(kTokenizer);
  for (size_t len : {size_t{0}, size_t{3}, size_t{100}, full.size() - 1}) {
    SCOPED_TRACE(len);
    const auto path = write_temp("tok_truncated.bin",
                                 {full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len)});
    const auto msg = error_of([&] { load_llama2c(kCheckpoint, path); });
    EXPECT_THAT(msg, StartsWith(path + ": truncated llama2.c tokenizer"));
  }
}

TEST(Llama2cErrors, CheckpointPassedAsTokenizer) {
  const auto msg = error_of([] { load_llama2c(kCheckpoint, kCheckpoint); });
  EXPECT_THAT(msg, StartsWith(kCheckpoint + ": "));
}

}  // namespace
}  // namespace tandem::model
