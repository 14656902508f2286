// The real `tandem` binary: run, ppl, tokenize, synth end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

TEST(CliRun, Llama2cStoryIsTheKnownGoodText) {
  const auto r = run_tandem({"run", "-m", stories("stories260K.bin"), "-z", stories("tok512.bin"),
                             "-n", "200", "--temp", "0", "-t", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, stories_golden_text() + "\n");
  EXPECT_NE(r.err.find("load:"), std::string::npos);
  EXPECT_NE(r.err.find("prompt:"), std::string::npos);
  EXPECT_NE(r.err.find("tok/s"), std::string::npos);
}

TEST(CliRun, SameSeedSameTextDifferentSeedDifferentText) {
  auto sample = [](const std::string& seed) {
    return run_tandem({"run", "-m", stories("stories260K-f32.gguf"), "-p", "Once upon a time", "-n",
                       "60", "--temp", "1", "--seed", seed})
        .out;
  };
  const auto a = sample("7"), b = sample("7"), c = sample("8");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a.rfind("Once upon a time", 0), 0u);
}

TEST(CliRun, BadArgumentsGiveAClearError) {
  auto r = run_tandem({"run", "-m", "/nonexistent.gguf"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nonexistent"), std::string::npos);
  r = run_tandem({"run", "-m", stories("stories260K.bin")});  // llama2.c without tokenizer
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tok512"), std::string::npos) << r.err;
  r = run_tandem({"run", "-m", stories("stories260K-f32.gguf"), "--top-p", "2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("top_p"), std::string::npos) << r.err;
  r = run_tandem({"frobnicate"});
  EXPECT_NE(r.exit_code, 0);
}

TEST(CliRun, EveryCommandHasHelp) {
  for (const char* cmd : {"run", "ppl", "tokenize", "inspect", "synth"}) {
    const auto r = run_tandem({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
}

TEST(CliPpl, PrintsRunningValuesAndFinalEstimate) {
  const auto r = run_tandem({"ppl", "-m", stories("stories260K-f32.gguf"), "-f",
                             source("testdata/story_seed1-4.txt"), "-c", "128"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\[1\]\d+\.\d{4},\[2\]\d+\.\d{4},)"))) << r.out;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex(R"(Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+))")));
  const double ppl = std::stod(m[1]);
  EXPECT_GT(ppl, 1.0);
  EXPECT_LT(ppl, 10.0);
}

// A KV budget in `ppl` (each token sees at most 16 earlier entries) and `run` (generation
// far past the budget), and the bad values they refuse.
TEST(CliKvBudget, PplAndRunWithABudgetAndItsErrors) {
  auto ppl = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "ppl", "-m", stories("stories260K-f32.gguf"), "-f", source("testdata/story_seed1-4.txt"),
        "-c",  "128"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_tandem(args);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(PPL = ([0-9.]+))"))) << r.err;
    return m.size() > 1 ? std::stod(m[1]) : 0.0;
  };
  const auto beyond =
      run_tandem({"ppl", "-m", stories("stories260K-f32.gguf"), "-f",
                  source("testdata/story_seed1-4.txt"), "-c", "128", "--kv-budget", "200"});
  EXPECT_EQ(beyond.exit_code, 1);
  EXPECT_NE(beyond.err.find("budget below the context"), std::string::npos) << beyond.err;
  const double full = ppl({});
  const double window = ppl({"--kv-budget", "16", "--kv-policy", "window"});
  const double h2o = ppl({"--kv-budget", "16", "--kv-policy", "h2o"});
  // A 16-entry cache loses context: worse than the full cache, and not equal across policies.
  EXPECT_GT(window, full);
  EXPECT_GT(h2o, full);
  EXPECT_NE(window, h2o);
  const auto run =
      run_tandem({"run", "-m", stories("stories260K-f32.gguf"), "-p", "Once upon a time", "-n",
                  "150", "--temp", "0", "--kv-budget", "32", "-c", "256"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GT(run.out.size(), 200u);
  auto bad = run_tandem({"run", "-m", stories("stories260K-f32.gguf"), "-p", "x", "--kv-policy",
                         "lru", "--kv-budget", "32"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("unknown KV policy 'lru'"), std::string::npos) << bad.err;
  bad = run_tandem({"run", "-m", stories("stories260K-f32.gguf"), "-p", "x", "--kv-budget", "4"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("at least 8"), std::string::npos) << bad.err;
}

TEST(CliTokenize, IdsAsPythonList) {
  const auto r = run_tandem(
      {"tokenize", "-m", stories("stories260K-f32.gguf"), "-p", "Once upon a time", "--ids"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(\[1(, \d+)+\]\n)"))) << r.out;
  const auto no_bos = run_tandem({"tokenize", "-m", stories("stories260K-f32.gguf"), "-p",
                                  "Once upon a time", "--ids", "--no-bos"});
  EXPECT_EQ("[1, " + no_bos.out.substr(1), r.out);
}

}  // namespace
}  // namespace tandem::test
