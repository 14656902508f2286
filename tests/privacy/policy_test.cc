// Privacy policy: TOML loading, errors, and the "local" rule.
#include "privacy/policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tandem::privacy {
namespace {

std::string error_of(std::string_view toml) {
  try {
    PrivacyPolicy::parse(toml, "test.toml");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(PrivacyPolicy, DefaultsToMask) {
  const PrivacyPolicy p;
  for (PiiType t : kAllPiiTypes) EXPECT_EQ(p.action_for(t), PolicyAction::kMask);
  EXPECT_EQ(PrivacyPolicy::parse("").action_for(PiiType::kPhone), PolicyAction::kMask);
  EXPECT_FALSE(p.requires_local("电话 13800000000"));
}

TEST(PrivacyPolicy, ParsesActionsAndIgnoresOtherTables) {
  const auto p = PrivacyPolicy::parse(
      "[routing]\nppl_threshold = 30.0\n[privacy]\nphone = \"local\"\nid = \"local\"\n"
      "email = \"mask\"\n");
  EXPECT_EQ(p.action_for(PiiType::kPhone), PolicyAction::kLocal);
  EXPECT_EQ(p.action_for(PiiType::kId), PolicyAction::kLocal);
  EXPECT_EQ(p.action_for(PiiType::kEmail), PolicyAction::kMask);
  EXPECT_EQ(p.action_for(PiiType::kName), PolicyAction::kMask);
  EXPECT_TRUE(p.requires_local("电话 13800000000"));
  EXPECT_FALSE(p.requires_local("邮箱 a@example.com,我叫张三"));
  const std::vector<std::string> msgs = {"hello", "my id 11010519491231002X"};
  EXPECT_TRUE(p.requires_local(msgs));
  const std::vector<std::string> clean = {"hello", "a@example.com"};
  EXPECT_FALSE(p.requires_local(clean));
  const std::vector<PiiType> found = {PiiType::kEmail, PiiType::kId, PiiType::kPhone, PiiType::kId};
  EXPECT_EQ(p.local_types(found), (std::vector<PiiType>{PiiType::kPhone, PiiType::kId}));
}

TEST(PrivacyPolicy, ClearErrors) {
  EXPECT_NE(error_of("[privacy]\nfax = \"mask\"\n").find("unknown key 'fax'"), std::string::npos);
  EXPECT_NE(error_of("[privacy]\nfax = \"mask\"\n").find("test.toml"), std::string::npos);
  EXPECT_NE(error_of("[privacy]\nphone = \"drop\"\n").find("phone must be \"mask\" or \"local\""),
            std::string::npos);
  EXPECT_NE(error_of("[privacy]\nphone = 1\n").find("phone must be"), std::string::npos);
  EXPECT_NE(error_of("privacy = 3\n").find("must be a table"), std::string::npos);
  EXPECT_NE(error_of("[privacy\n").find("test.toml"), std::string::npos);
  EXPECT_THROW(PrivacyPolicy::load("/nonexistent/policy.toml"), std::invalid_argument);
}

TEST(PrivacyPolicy, AddressIsAPolicyKey) {
  const auto p = PrivacyPolicy::parse("[privacy]\naddress = \"local\"\n");
  EXPECT_EQ(p.action_for(PiiType::kAddress), PolicyAction::kLocal);
  EXPECT_TRUE(p.requires_local("寄到北京市朝阳区建国路88号"));
  EXPECT_FALSE(p.requires_local("北京的天气"));
  EXPECT_NE(error_of("[privacy]\nfax = \"mask\"\n").find("address"), std::string::npos);
}

TEST(PrivacyPolicy, LoadsFromFile) {
  const auto path = std::filesystem::temp_directory_path() / "tandem_privacy_policy_test.toml";
  std::ofstream(path) << "[privacy]\nname = \"local\"\n";
  const auto p = PrivacyPolicy::load(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(p.action_for(PiiType::kName), PolicyAction::kLocal);
  EXPECT_TRUE(p.requires_local("I am Alice"));
}

}  // namespace
}  // namespace tandem::privacy
