// `tandem run` on model files that parse as GGUF but cannot be run: an unknown architecture,
// a missing tensor, a tensor of the wrong shape, an unknown weight type; and the same for the
// tensors only glm4 has (post-norms, the fused gate+up ffn_up) and gemma's (post-norms, gemma3's
// QK norms, its required sliding window) and phi3's fused attn_qkv. Each must end with
// exit code 1 and one "error: " line that names the file and the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

using ::testing::HasSubstr;
using Bytes = std::vector<uint8_t>;

Bytes stories_bytes() {
  const std::string s = read_file(stories("stories260K-f32.gguf"));
  return {s.begin(), s.end()};
}

size_t find(const Bytes& img, const std::string& s) {
  for (size_t p = 0; p + s.size() <= img.size(); ++p)
    if (std::memcmp(img.data() + p, s.data(), s.size()) == 0) return p;
  ADD_FAILURE() << s << " not found";
  return 0;
}

// Offset of the tensor-info field after `name`: n_dims (u32), dims (u64 each), type (u32).
size_t tensor_info(const Bytes& img, const std::string& name) {
  return find(img, name) + name.size();
}

std::string write_temp(const std::string& name, const Bytes& bytes) {
  const auto dir = std::filesystem::path(unique_temp_dir()) / "tandem_bad_model_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

void expect_run_error(const std::string& path, const std::string& problem) {
  const auto r = run_tandem({"run", "-m", path, "-p", "Once", "-n", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_THAT(r.err, ::testing::StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr(path));
  EXPECT_THAT(r.err, HasSubstr(problem));
}

TEST(BadModelFile, UnknownArchitecture) {
  Bytes img = stories_bytes();
  const std::string key = "general.architecture";
  const size_t value = find(img, key) + key.size() + 4 + 8;  // type u32, length u64
  std::memcpy(img.data() + value, "gpt9z", 5);               // same length as "llama"
  expect_run_error(write_temp("arch.gguf", img), "unsupported architecture 'gpt9z'");
}

TEST(BadModelFile, MissingTensor) {
  Bytes img = stories_bytes();
  const size_t p = find(img, "output_norm.weight");
  img[p + std::strlen("output_norm.weigh")] = 'X';
  expect_run_error(write_temp("missing.gguf", img), "missing tensor 'output_norm.weight'");
}

TEST(BadModelFile, WrongShape) {
  Bytes img = stories_bytes();
  const size_t info = tensor_info(img, "blk.0.attn_norm.weight");
  uint64_t dim0 = 0;
  std::memcpy(&dim0, img.data() + info + 4, 8);
  ASSERT_EQ(dim0, 64u);
  dim0 = 32;  // half the embedding width: still inside the file, but not the model's shape
  std::memcpy(img.data() + info + 4, &dim0, 8);
  expect_run_error(write_temp("shape.gguf", img), "blk.0.attn_norm.weight");
}

TEST(BadModelFile, UnknownWeightType) {
  Bytes img = stories_bytes();
  const size_t info = tensor_info(img, "blk.0.attn_q.weight");
  uint32_t n_dims = 0;
  std::memcpy(&n_dims, img.data() + info, 4);
  ASSERT_EQ(n_dims, 2u);
  const uint32_t type = 77;
  std::memcpy(img.data() + info + 4 + 8 * n_dims, &type, 4);
  expect_run_error(write_temp("type.gguf", img), "77");
}

// A tiny random model of an architecture written by `tandem synth`, as bytes.
Bytes synth_bytes(const std::string& arch) {
  const auto path = (std::filesystem::path(unique_temp_dir()) / (arch + "_tiny.gguf")).string();
  const auto r = run_tandem({"synth",
                             "--like",
                             "custom",
                             "--arch",
                             arch,
                             "--dim",
                             "64",
                             "--layers",
                             "1",
                             "--heads",
                             "4",
                             "--kv-heads",
                             "2",
                             "--ff",
                             "96",
                             "--type",
                             "F32",
                             "--vocab-from",
                             stories("stories260K-f32.gguf"),
                             "-o",
                             path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string s = read_file(path);
  return {s.begin(), s.end()};
}

Bytes glm4_bytes() {
  return synth_bytes("glm4");
}

TEST(BadModelFile, Glm4MissingPostNorm) {
  Bytes img = glm4_bytes();
  const size_t p = find(img, "blk.0.post_ffw_norm.weight");
  img[p + std::strlen("blk.0.post_ffw_norm.weigh")] = 'X';
  expect_run_error(write_temp("glm4_missing.gguf", img),
                   "missing tensor 'blk.0.post_ffw_norm.weight'");
}

TEST(BadModelFile, Glm4UnfusedFfnUp) {
  Bytes img = glm4_bytes();
  const size_t info = tensor_info(img, "blk.0.ffn_up.weight");
  uint64_t rows = 0;
  std::memcpy(&rows, img.data() + info + 4 + 8, 8);
  ASSERT_EQ(rows, 192u);  // gate and up, 2 x 96
  rows = 96;              // a llama-style ffn_up: up alone
  std::memcpy(img.data() + info + 4 + 8, &rows, 8);
  expect_run_error(write_temp("glm4_shape.gguf", img),
                   "tensor 'blk.0.ffn_up.weight' has shape [64, 96], expected [64, 192]");
}

TEST(BadModelFile, GemmaMissingPostAndQkNorms) {
  Bytes g2 = synth_bytes("gemma2");
  size_t p = find(g2, "blk.0.post_attention_norm.weight");
  g2[p + std::strlen("blk.0.post_attention_norm.weigh")] = 'X';
  expect_run_error(write_temp("gemma2_missing.gguf", g2),
                   "missing tensor 'blk.0.post_attention_norm.weight'");
  Bytes g3 = synth_bytes("gemma3");
  p = find(g3, "blk.0.attn_q_norm.weight");
  g3[p + std::strlen("blk.0.attn_q_norm.weigh")] = 'X';
  expect_run_error(write_temp("gemma3_missing.gguf", g3),
                   "missing tensor 'blk.0.attn_q_norm.weight'");
}

TEST(BadModelFile, Gemma3WithoutSlidingWindow) {
  Bytes img = synth_bytes("gemma3");
  // Renames the key (same length), so the file lacks the one llama.cpp requires for gemma3.
  const size_t p = find(img, "gemma3.attention.sliding_window");
  img[p + std::strlen("gemma3.attention.sliding_windo")] = 'X';
  expect_run_error(write_temp("gemma3_noswa.gguf", img), "gemma3.attention.sliding_window");
}

TEST(BadModelFile, Phi3MissingAttnQkv) {
  Bytes img = synth_bytes("phi3");
  const size_t p = find(img, "blk.0.attn_qkv.weight");
  img[p + std::strlen("blk.0.attn_qkv.weigh")] = 'X';
  expect_run_error(write_temp("phi3_no_qkv.gguf", img), "missing tensor 'blk.0.attn_qkv.weight'");
}

}  // namespace
}  // namespace tandem::test
