// AWQ on the real stories260K model through the binary: scales scored on the attention and
// MLP block outputs, the output projection calibrated through the output-input hook, and
// the held-out perplexity below plain rounding's. This can fail: before block-output
// scoring, AWQ at pure-4bit Q4_0 was worse than RTN (3.3820 vs 3.3809 in the docs). With
// this test's settings it measured RTN 3.3802, AWQ 3.3501.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <regex>

#include "model/gguf_file.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem {
namespace {

std::string tmp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("tandem_awq_" + name)).string();
}

struct Quantized {
  std::string path;
  double ppl = 0;  // held-out perplexity after quantization
  std::string log;
};

Quantized quantize(const std::string& method, const std::string& name) {
  Quantized q;
  q.path = tmp(name);
  const auto r =
      test::run_tandem({"quantize", test::stories("stories260K-f32.gguf"), q.path, "--type", "q4_0",
                        "--method", method, "--policy", test::source("policies/pure-4bit.toml"),
                        "--calib", test::source("testdata/calibration_stories.txt"),
                        "--calib-tokens", "8192", "--awq-search-tokens", "2048", "--eval",
                        test::source("testdata/eval_stories.txt"), "-t", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  q.log = r.err + r.out;
  std::smatch m;
  const std::regex after("after ([0-9.]+)");
  if (std::regex_search(q.log, m, after)) q.ppl = std::stod(m[1]);
  return q;
}

TEST(AwqStories, BeatsRtnOnHeldOutTextAndIsDeterministic) {
  const Quantized rtn = quantize("rtn", "rtn.gguf");
  const Quantized awq = quantize("awq", "awq.gguf");
  ASSERT_GT(rtn.ppl, 3.0) << rtn.log;
  ASSERT_GT(awq.ppl, 3.0) << awq.log;
  EXPECT_LT(awq.ppl, rtn.ppl) << awq.log;
  // q/k/v and gate/up are scored on their block's output; the output projection is covered.
  EXPECT_NE(awq.log.find("blk.0 attn_qkv: AWQ alpha"), std::string::npos) << awq.log;
  EXPECT_NE(awq.log.find("block output error"), std::string::npos) << awq.log;
  EXPECT_NE(awq.log.find("output: AWQ alpha"), std::string::npos) << awq.log;

  const auto f = model::GgufFile::open(awq.path);
  EXPECT_EQ(f.get_string("tandem.quantize.method"), "awq");
  EXPECT_EQ(f.tensor("output.weight").type, model::GgmlType::Q4_0);
  // 1/s is folded into output_norm, so it differs from the float model's.
  const auto src = model::GgufFile::open(test::stories("stories260K-f32.gguf"));
  const auto& a = f.tensor("output_norm.weight");
  const auto& b = src.tensor("output_norm.weight");
  ASSERT_EQ(a.nbytes, b.nbytes);
  EXPECT_NE(std::memcmp(a.data, b.data, a.nbytes), 0);

  // Same inputs, same thread count: the same bytes.
  const Quantized again = quantize("awq", "awq2.gguf");
  EXPECT_EQ(test::read_file(awq.path), test::read_file(again.path));
  for (const auto* q : {&rtn, &awq, &again}) std::filesystem::remove(q->path);
}

}  // namespace
}  // namespace tandem
