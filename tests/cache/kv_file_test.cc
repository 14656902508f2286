// The feature cache's file format: what is written reads back the same; a flipped byte, a cut
// file, another format version or a file that is not ours is refused with a reason.
#include "cache/kv_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

namespace tandem::cache {
namespace {

namespace fs = std::filesystem;

class KvFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(testing::TempDir()) /
        ("kv_file_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    state_.tokens = {1, 20, 300, 4000};
    state_.nll = {std::numeric_limits<double>::quiet_NaN(), 1.5, 2.25, 0.125};
    for (int i = 0; i < 4096; ++i) state_.kv.push_back(static_cast<uint8_t>(i * 31));
    state_.layout = "f16:2x64";
    header_.id = "settings screen";
    header_.tags = {"ui", "settings"};
    header_.created_at = 1000;
    header_.expires_at = 1600;
    header_.model_key = "0123456789abcdef";
  }
  std::vector<char> bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void put(const fs::path& p, const std::vector<char>& b) {
    std::ofstream(p, std::ios::binary | std::ios::trunc).write(b.data(), b.size());
  }
  fs::path dir_;
  KvState state_;
  KvFileHeader header_;
};

TEST_F(KvFileTest, RoundTrips) {
  const auto p = dir_ / "a.tkv";
  write_kv_file(p, header_, state_);
  EXPECT_FALSE(fs::exists(dir_ / "a.tkv.tmp"));
  const KvFile f = read_kv_file(p);
  EXPECT_EQ(f.header.id, "settings screen");
  EXPECT_EQ(f.header.tags, header_.tags);
  EXPECT_EQ(f.header.expires_at, 1600);
  EXPECT_EQ(f.header.model_key, header_.model_key);
  EXPECT_EQ(f.header.layout, "f16:2x64");
  ASSERT_TRUE(f.state);
  EXPECT_EQ(f.state->tokens, state_.tokens);
  EXPECT_TRUE(std::isnan(f.state->nll[0]));
  EXPECT_EQ(f.state->nll[2], 2.25);
  EXPECT_EQ(f.state->kv, state_.kv);
  EXPECT_FALSE(read_kv_file(p, /*header_only=*/true).state);
}

TEST_F(KvFileTest, RefusesCorruptCutForeignAndStaleFiles) {
  const auto p = dir_ / "a.tkv";
  write_kv_file(p, header_, state_);
  const auto good = bytes(p);
  auto expect_refused = [&](std::vector<char> b, const char* why) {
    put(p, b);
    try {
      read_kv_file(p);
      ADD_FAILURE() << "accepted a file that " << why;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    }
  };
  auto flipped = good;
  flipped[flipped.size() - 100] ^= 0x40;  // inside the KV rows
  expect_refused(flipped, "has a flipped byte");
  expect_refused({good.begin(), good.end() - 9}, "is cut short");
  auto stale = good;
  stale[8] = 2;  // format version 2
  expect_refused(stale, "has another version");
  auto foreign = good;
  std::memcpy(foreign.data(), "GGUF", 4);
  expect_refused(foreign, "is not ours");
  expect_refused({}, "is empty");
  put(p, good);
  EXPECT_NO_THROW(read_kv_file(p));
}

}  // namespace
}  // namespace tandem::cache
