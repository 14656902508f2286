// eval-router and calibrate-router --target-pgr through the real binary, on the shared model
// family (edge stories260K, cloud stories-code1M) and its development pairs.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

std::string cloud() {
  return shared("models/stories-code1M/stories-code1M-f32.gguf");
}
std::string pairs() {
  return shared("eval/tinystories/pairs_dev.jsonl");
}

double number_after(const std::string& text, const std::string& re) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(re))) throw std::runtime_error("no match: " + re);
  return std::stod(m[1]);
}

TEST(CliEvalRouter, PerplexityBeatsRandomAcrossDomainsAndTheOracleBeatsIt) {
  const auto json = std::filesystem::path(unique_temp_dir()) / "eval.json";
  const auto r =
      run_tandem({"eval-router", "-m", stories("stories260K-f32.gguf"), "--cloud", cloud(),
                  "--pairs", pairs(), "--raw", "--intent-model",
                  source("data/intent/intent_model.bin"), "--json", json.string(), "-t", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The first table: teacher-forced quality over every pair.
  const auto all = r.out.substr(0, r.out.find("domain story"));
  ASSERT_NE(all.find("domain all (102 pairs)"), std::string::npos) << r.out;
  const double ppl = number_after(all, R"(\nperplexity\s+([0-9.]+))");
  const double random = number_after(all, R"(\nrandom\s+([0-9.]+))");
  const double oracle = number_after(all, R"(\noracle\s+([0-9.]+))");
  EXPECT_DOUBLE_EQ(random, 0.5);
  EXPECT_GT(ppl, 0.7) << all;
  EXPECT_GE(oracle, ppl);
  EXPECT_NE(all.find("(one point: share"), std::string::npos) << "intent-only is one point";
  EXPECT_NE(r.out.find("quality answer, domain all"), std::string::npos);
  EXPECT_TRUE(std::filesystem::file_size(json) > 1000);
}

// Calibrated on the even pairs, the threshold's PGR on the odd (held-out) pairs does not fall
// short of the target by more than 0.05, within the 45% cloud budget. It may overshoot: near
// the target every code pair moves the held-out PGR by 0.03-0.06, and the odd split's code
// prompts have higher perplexities, so threshold 287.07 (between the 19th and 20th even pair)
// sends 22 of 51 odd pairs, PGR 1.00 (0.90 needed 20). docs/ROUTING.md has the curve.
TEST(CliCalibrateRouter, TargetPgrHoldsOnTheHeldOutSplit) {
  constexpr double kTarget = 0.9;
  const auto cal = run_tandem({"calibrate-router", "-m", stories("stories260K-f32.gguf"), "--cloud",
                               cloud(), "--pairs", pairs(), "--split", "even", "--target-pgr",
                               "0.9", "--raw", "-t", "1"});
  ASSERT_EQ(cal.exit_code, 0) << cal.err;
  const double threshold = number_after(cal.out, R"(ppl_threshold = ([0-9.]+))");
  EXPECT_GE(number_after(cal.out, R"(\), PGR ([0-9.]+) \(target)"), kTarget);
  const auto held =
      run_tandem({"eval-router", "-m", stories("stories260K-f32.gguf"), "--cloud", cloud(),
                  "--pairs", pairs(), "--split", "odd", "--raw", "--intent-model", "none",
                  "--threshold", std::to_string(threshold), "-t", "1"});
  ASSERT_EQ(held.exit_code, 0) << held.err;
  const double pgr = number_after(held.out, R"(\[all\]: cloud share [0-9.]+, PGR ([-0-9.]+))");
  const double share = number_after(held.out, R"(\[all\]: cloud share ([0-9.]+))");
  EXPECT_GE(pgr, kTarget - 0.05) << held.out;
  EXPECT_LE(pgr, kTarget + 0.15) << held.out;  // not just everything sent to the cloud
  EXPECT_LE(share, 0.45) << held.out;
}

TEST(CliCalibrateRouter, TargetPgrNeedsPairsAndExcludesLocalShare) {
  const auto no_pairs = run_tandem(
      {"calibrate-router", "-m", stories("stories260K-f32.gguf"), "--target-pgr", "0.9"});
  EXPECT_NE(no_pairs.exit_code, 0);
  EXPECT_NE(no_pairs.err.find("--cloud and --pairs"), std::string::npos) << no_pairs.err;
  const auto both =
      run_tandem({"calibrate-router", "-m", stories("stories260K-f32.gguf"), "--target-pgr", "0.9",
                  "--local-share", "0.5", "--cloud", cloud(), "--pairs", pairs()});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("excludes"), std::string::npos) << both.err;
}

TEST(CliEvalRouter, MalformedPairsNameTheLine) {
  const auto bad = std::filesystem::path(unique_temp_dir()) / "bad.jsonl";
  std::ofstream(bad)
      << R"({"domain":"story","prompt":"a","continuation":"b","prompt_ids":[1],"cont_ids":[2]})"
      << "\n{\"domain\": 3}\n";
  const auto r = run_tandem({"eval-router", "-m", stories("stories260K-f32.gguf"), "--cloud",
                             cloud(), "--pairs", bad.string(), "--intent-model", "none"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("bad.jsonl:2:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tandem::test
