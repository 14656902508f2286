// `tandem quantize` through the real binary: stories260K in, a loadable model out, and one
// clear error line with exit 1 for bad inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/gguf_file.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem {
namespace {

std::string tmp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("tandem_quant_cli_" + name)).string();
}

void expect_one_line_error(const test::ProcessResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  const auto pos = r.err.find("error: ");
  if (pos != std::string::npos) {
    EXPECT_EQ(r.err.find('\n', pos), r.err.size() - 1) << "more than one error line: " << r.err;
  }
}

TEST(QuantizeCli, GptqStoriesLoadsGeneratesAndRecordsMetadata) {
  const std::string out = tmp("gptq.gguf");
  auto r = test::run_tandem(
      {"quantize", test::stories("stories260K-f32.gguf"), out, "--type", "q4_0", "--method", "gptq",
       "--calib", test::source("testdata/calibration_stories.txt"), "--calib-tokens", "2048",
       "--policy", test::source("policies/edge-default.toml"), "-t", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("fallback: blk.1.ffn_down.weight: Q4_0 -> F16"), std::string::npos) << r.err;
  const auto f = model::GgufFile::open(out);
  EXPECT_EQ(f.get_string("tandem.quantize.method"), "gptq");
  EXPECT_EQ(f.get_string("tandem.quantize.policy"), "edge-default");
  EXPECT_EQ(f.get_string("tandem.quantize.calib_hash").rfind("fnv1a64:", 0), 0u);
  EXPECT_EQ(f.tensor("blk.1.attn_q.weight").type, model::GgmlType::Q4_0);
  EXPECT_EQ(f.tensor("blk.1.attn_v.weight").type, model::GgmlType::Q8_0);
  r = test::run_tandem({"run", "-m", out, "-n", "40", "--temp", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(r.out.size(), 60u);
  EXPECT_NE(r.out.find("Once upon a time"), std::string::npos) << r.out;
  // Same inputs, same thread count: the same bytes.
  const std::string again = tmp("gptq2.gguf");
  r = test::run_tandem({"quantize", test::stories("stories260K-f32.gguf"), again, "--type", "q4_0",
                        "--method", "gptq", "--calib",
                        test::source("testdata/calibration_stories.txt"), "--calib-tokens", "2048",
                        "--policy", test::source("policies/edge-default.toml"), "-t", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::read_file(out), test::read_file(again));
  std::filesystem::remove(out);
  std::filesystem::remove(again);
}

TEST(QuantizeCli, CalibrationTooShortIsOneError) {
  auto r = test::run_tandem(
      {"quantize", test::stories("stories260K-f32.gguf"), tmp("x.gguf"), "--method", "gptq",
       "--calib", test::source("testdata/story_seed1-4.txt"), "--calib-tokens", "100000"});
  expect_one_line_error(r, "calibration text too short");
}

TEST(QuantizeCli, UnknownPolicyKeyIsOneError) {
  const std::string p = tmp("bad.toml");
  std::ofstream(p)
      << "name = \"x\"\n[[rules]]\ntensors = [\"attn_q\"]\ntype = \"q8_0\"\nbits = 3\n";
  auto r = test::run_tandem(
      {"quantize", test::stories("stories260K-f32.gguf"), tmp("x.gguf"), "--policy", p});
  expect_one_line_error(r, "unknown key 'bits'");
  std::ofstream(p) << "name = \"x\"\n[[rules]]\ntensors = [\"attn_z\"]\ntype = \"q8_0\"\n";
  r = test::run_tandem(
      {"quantize", test::stories("stories260K-f32.gguf"), tmp("x.gguf"), "--policy", p});
  expect_one_line_error(r, "unknown tensor class 'attn_z'");
  std::filesystem::remove(p);
}

TEST(QuantizeCli, BadGroupAndMissingCalibrationAreOneError) {
  auto r = test::run_tandem(
      {"quantize", test::stories("stories260K-f32.gguf"), tmp("x.gguf"), "--group", "48"});
  expect_one_line_error(r, "not a multiple of 32");
  r = test::run_tandem(
      {"quantize", test::stories("stories260K-f32.gguf"), tmp("x.gguf"), "--method", "awq"});
  expect_one_line_error(r, "needs calibration text");
}

TEST(QuantizeCli, HelpDescribesOptions) {
  auto r = test::run_tandem({"quantize", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--method"), std::string::npos);
  EXPECT_NE(r.out.find("--policy"), std::string::npos);
}

}  // namespace
}  // namespace tandem
