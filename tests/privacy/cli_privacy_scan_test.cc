// tandem privacy-scan through the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

TEST(CliPrivacyScan, ListsMatchesAndMasks) {
  const auto r = run_tandem({"privacy-scan", "-p", "我叫张三,电话 13800000000。", "--mask"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 PII value(s) found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("name"), std::string::npos);
  EXPECT_NE(r.out.find("phone  [20, 31)  13800000000  (mask)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("masked: 我叫<NAME_1>,电话 <PHONE_1>。"), std::string::npos) << r.out;
}

TEST(CliPrivacyScan, ReadsFilesAndAppliesThePolicy) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto text = dir / "tandem_scan_text.txt", pol = dir / "tandem_scan_policy.toml";
  std::ofstream(text) << "id 11010519491231002X, mail a@example.com\n";
  std::ofstream(pol) << "[privacy]\nid = \"local\"\n";
  const auto r = run_tandem({"privacy-scan", "-f", text.string(), "--policy", pol.string()});
  std::filesystem::remove(text);
  std::filesystem::remove(pol);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("11010519491231002X  (local)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("a@example.com  (mask)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("route: local (policy)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("masked:"), std::string::npos);
}

TEST(CliPrivacyScan, NeedsExactlyOneInput) {
  EXPECT_NE(run_tandem({"privacy-scan"}).exit_code, 0);
  EXPECT_NE(run_tandem({"privacy-scan", "-p", "x", "-f", "/etc/hostname"}).exit_code, 0);
  const auto bad = run_tandem({"privacy-scan", "-p", "x", "--policy", "/nonexistent.toml"});
  EXPECT_NE(bad.exit_code, 0);
}

}  // namespace
}  // namespace tandem::test
