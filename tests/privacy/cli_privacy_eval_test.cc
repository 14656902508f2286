// tandem privacy-eval through the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/process.h"

namespace tandem::test {
namespace {

TEST(CliPrivacyEval, PrintsATablePerTypeAndExitsZero) {
  const auto r = run_tandem({"privacy-eval", "--corpus",
                             std::string(TANDEM_SOURCE_DIR) + "/testdata/privacy/corpus.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("precision"), std::string::npos) << r.out;
  for (const char* type : {"phone", "id", "card", "email", "ip", "name", "address", "all"})
    EXPECT_NE(r.out.find(std::string("\n") + type + " "), std::string::npos) << type << r.out;
  EXPECT_EQ(r.out.find("\nfn "), std::string::npos);  // mistakes only with --mistakes
}

TEST(CliPrivacyEval, ListsMistakesOnRequest) {
  const auto path = std::filesystem::temp_directory_path() / "tandem_privacy_eval.jsonl";
  std::ofstream(path) << "{\"text\": \"订单 15820231104\"}\n";
  const auto r = run_tandem({"privacy-eval", "--corpus", path.string(), "--mistakes"});
  std::filesystem::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(1 cases)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fp phone '15820231104'"), std::string::npos) << r.out;
}

TEST(CliPrivacyEval, HelpAndErrors) {
  const auto help = run_tandem({"privacy-eval", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--corpus"), std::string::npos) << help.out;
  const auto missing = run_tandem({"privacy-eval"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("error: --corpus FILE is required"), std::string::npos) << missing.err;
  const auto absent = run_tandem({"privacy-eval", "--corpus", "/nonexistent/corpus.jsonl"});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_NE(absent.err.find("error: /nonexistent/corpus.jsonl: cannot read"), std::string::npos)
      << absent.err;
  const auto bad = std::filesystem::temp_directory_path() / "tandem_privacy_eval_bad.jsonl";
  std::ofstream(bad)
      << "{\"text\": \"x\", \"entities\": [{\"type\": \"fax\", \"value\": \"x\"}]}\n";
  const auto broken = run_tandem({"privacy-eval", "--corpus", bad.string()});
  std::filesystem::remove(bad);
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find(":1: unknown type 'fax'"), std::string::npos) << broken.err;
}

}  // namespace
}  // namespace tandem::test
