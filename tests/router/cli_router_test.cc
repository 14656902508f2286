// train-intent and calibrate-router through the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "router/intent_classifier.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

TEST(CliTrainIntent, ReportsAccuracyAndWritesALoadableModel) {
  const auto out = std::filesystem::temp_directory_path() / "tandem_cli_intent_model.bin";
  const auto r = run_tandem({"train-intent", "--data", source("data/intent/intents.tsv"), "-o",
                             out.string(), "--holdout", "0.2", "--seed", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("held-out accuracy ([0-9.]+)"))) << r.out;
  EXPECT_GE(std::stod(m[1]), 0.90);
  for (const char* c : {"chat", "coding", "math", "other", "summarization"})
    EXPECT_NE(r.out.find(c), std::string::npos) << c;
  EXPECT_NE(r.out.find("precision"), std::string::npos);
  const auto model = router::IntentClassifier::load(out.string());
  std::filesystem::remove(out);
  EXPECT_EQ(model.classes().size(), 5u);
  // The committed model is what this command writes.
  EXPECT_EQ(model.serialize(), read_file(source("data/intent/intent_model.bin")));
}

TEST(CliTrainIntent, BadDataIsAClearError) {
  const auto bad = std::filesystem::temp_directory_path() / "tandem_cli_bad_intents.tsv";
  std::ofstream(bad) << "chat\thello\nnot a row\n";
  const auto r = run_tandem({"train-intent", "--data", bad.string()});
  std::filesystem::remove(bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(":2: expected label<TAB>text"), std::string::npos) << r.err;
}

TEST(CliCalibrateRouter, PrintsDistributionAndThreshold) {
  const auto r = run_tandem({"calibrate-router", "-m", stories("stories260K-f32.gguf"), "--prompts",
                             source("data/router/calibration_prompts.txt"), "--local-share", "0.6",
                             "-t", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("quantiles:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<- threshold"), std::string::npos) << r.out;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex(R"((\d+) of (\d+) prompts stay on the edge)")));
  EXPECT_EQ(std::stoi(m[2]), 60);
  EXPECT_EQ(std::stoi(m[1]), 36);
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\[routing\]\nppl_threshold = [0-9.]+)")));
}

TEST(CliCalibrateRouter, MissingPromptsFileIsAnError) {
  const auto r = run_tandem({"calibrate-router", "-m", stories("stories260K-f32.gguf"), "--prompts",
                             "/nonexistent/prompts.txt"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("prompts.txt"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tandem::test
