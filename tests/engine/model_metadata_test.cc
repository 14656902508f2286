// A model file whose metadata the engine would trust blindly (epsilons, context length, BOS/EOS
// ids) is refused at load with one line naming the key; plausible values still load.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "engine/model.h"
#include "model/gguf_file.h"
#include "model/gguf_writer.h"
#include "support/paths.h"

namespace tandem::engine {
namespace {

using model::GgufFile;
using model::GgufValue;
using model::GgufWriter;

// stories260K with one metadata value replaced, written to a temporary file.
std::string with_value(const std::string& key, GgufValue value) {
  const auto src = GgufFile::open(test::stories("stories260K-f32.gguf"));
  GgufWriter w;
  for (const auto& [k, v] : src.metadata()) w.set(k, k == key ? value : v);
  if (!src.has(key)) w.set(key, value);
  for (const auto& t : src.tensors())
    w.add_tensor(t.name, t.type, t.dims, std::span<const uint8_t>(t.data, t.nbytes));
  const std::string path =
      testing::TempDir() + "/metadata_" +
      std::to_string(std::hash<std::string>{}(key + value.to_display_string())) + ".gguf";
  w.write(path);
  return path;
}

void expect_refused(const std::string& key, GgufValue value, const std::string& words) {
  SCOPED_TRACE(key + " = " + value.to_display_string());
  const std::string path = with_value(key, std::move(value));
  try {
    Model::load(path);
    ADD_FAILURE() << "loaded";
  } catch (const model::ModelFileError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(key), std::string::npos) << msg;
    EXPECT_NE(msg.find(words), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(ModelMetadata, AbsurdEpsilonsAreRefused) {
  const std::string key = "llama.attention.layer_norm_rms_epsilon";
  for (float v : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                  0.0f, -1.0f, 2.0f})
    expect_refused(key, GgufValue(v), "must be a finite number above 0");
  expect_refused("llama.rope.freq_base", GgufValue(std::numeric_limits<float>::quiet_NaN()),
                 "must be a finite number above 0");
}

TEST(ModelMetadata, AbsurdContextLengthsAreRefused) {
  for (uint32_t v : {0u, 3u, 2147483647u})
    expect_refused("llama.context_length", GgufValue(v), "must be between 16 and");
}

TEST(ModelMetadata, BosOrEosOutsideTheVocabularyIsRefused) {
  expect_refused("tokenizer.ggml.eos_token_id", GgufValue(uint32_t{512}),
                 "outside the vocabulary of 512 tokens");
  expect_refused("tokenizer.ggml.bos_token_id", GgufValue(uint32_t{100000}),
                 "outside the vocabulary");
}

TEST(ModelMetadata, PlausibleValuesAndABadPaddingIdStillLoad) {
  EXPECT_NO_THROW(
      Model::load(with_value("llama.attention.layer_norm_rms_epsilon", GgufValue(1e-6f))));
  EXPECT_NO_THROW(Model::load(with_value("llama.context_length", GgufValue(uint32_t{16}))));
  // llama.cpp ignores a bad padding id with a warning; so do we (the engine never emits it).
  EXPECT_NO_THROW(
      Model::load(with_value("tokenizer.ggml.padding_token_id", GgufValue(uint32_t{70000}))));
}

}  // namespace
}  // namespace tandem::engine
