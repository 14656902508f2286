// The real `tandem bench`: the llama-bench-shaped table, the roofline line, the
// verification ratio, the bandwidth probe, and its input errors.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

// One table row: | model | size | params | backend | threads | test | t/s ± sd |
const std::regex kRow(
    R"(\| llama \S+ \S+ +\| +[0-9.]+ MiB \| +[0-9.]+ [KMB] \| CPU +\| +2 \| +(pp|tg)(\d+) \| +([0-9.]+) ± ([0-9.]+) \|)");

int count_rows(const std::string& out) {
  int n = 0;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), kRow); it != std::sregex_iterator();
       ++it) {
    EXPECT_GT(std::stod((*it)[3]), 0.0) << it->str();
    ++n;
  }
  return n;
}

TEST(CliBench, TableRooflineAndVerifyOnAFloatAndAPackedModel) {
  // The Q4_K_M file takes the packed int8 kernels on CPUs that have them.
  for (const char* file : {"stories260K-f32.gguf", "stories260K-Q4_K_M.gguf"}) {
    const auto r =
        run_tandem({"bench", "-m", stories(file), "-p", "16,32", "-n", "8", "-t", "2", "-r", "2",
                    "--verify", "--verify-ctx", "32", "--verify-tokens", "4"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("| model"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("t/s"), std::string::npos);
    EXPECT_EQ(count_rows(r.out), 3) << r.out;  // pp16, pp32, tg8
    EXPECT_NE(r.out.find("pp16"), std::string::npos);
    EXPECT_NE(r.out.find("pp32"), std::string::npos);
    EXPECT_NE(r.out.find("tg8"), std::string::npos);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        r.out, m,
        std::regex(R"(verify: 4 tokens after 32 of context: ([0-9.]+) ms; 1 token: ([0-9.]+) ms; )"
                   R"(ratio ([0-9.]+)x \(median of 5 paired ratios ([0-9.]+)x\))")))
        << r.out;
    EXPECT_GT(std::stod(m[1]), 0.0);
    EXPECT_GT(std::stod(m[2]), 0.0);
    EXPECT_GT(std::stod(m[4]), 0.0);
    EXPECT_TRUE(std::regex_search(
        r.out, std::regex(R"(roofline: [0-9.]+ MiB of weights read per token / [0-9.]+ GB/s)")))
        << r.out;
  }
}

// A narrower SIMD target runs the same model and says so; an unknown one is an error.
TEST(CliBench, NarrowerSimdTarget) {
  const auto r = run_tandem({"bench", "-m", stories("stories260K-Q4_K_M.gguf"), "-p", "16", "-n",
                             "4", "-t", "2", "-r", "1", "--target", "SSE4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("simd: SSE4"), std::string::npos) << r.err;
  EXPECT_EQ(count_rows(r.out), 2) << r.out;
  const auto bad = run_tandem({"bench", "-m", stories("stories260K-f32.gguf"), "--target", "MMX"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("MMX"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("SSE4"), std::string::npos) << bad.err;  // the ones this CPU runs
}

TEST(CliBench, BandwidthProbeAlone) {
  const auto r = run_tandem({"bench", "--membw", "-t", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(read bandwidth: ([0-9.]+) GB/s)")))
      << r.out;
  EXPECT_GT(std::stod(m[1]), 0.1);
}

TEST(CliBench, BadInputGivesAClearError) {
  auto r = run_tandem({"bench", "-m", stories("stories260K-f32.gguf"), "-r", "0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("-r"), std::string::npos) << r.err;
  r = run_tandem({"bench", "-m", stories("stories260K-f32.gguf"), "-p", "12x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("-p"), std::string::npos) << r.err;
  r = run_tandem({"bench", "-p", "16"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("-m"), std::string::npos) << r.err;
  r = run_tandem({"bench", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--membw"), std::string::npos);
}

}  // namespace
}  // namespace tandem::test
