#include "media/base64.h"

#include <gtest/gtest.h>

#include <random>

namespace tandem::media {
namespace {

std::vector<uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> v[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, coded] : v) {
    EXPECT_EQ(base64_encode(bytes(plain)), coded);
    EXPECT_EQ(base64_decode(coded), bytes(plain)) << coded;
  }
  EXPECT_EQ(base64_decode("Zm9vYg"), bytes("foob"));  // padding may be left out
}

TEST(Base64, RoundTripsRandomBytes) {
  std::mt19937 rng(3);
  for (size_t n = 0; n < 70; ++n) {
    std::vector<uint8_t> b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    EXPECT_EQ(base64_decode(base64_encode(b)), b);
  }
}

TEST(Base64, RefusesWhatIsNotBase64) {
  for (const char* bad : {"Zm9v!", "Z", "Zm9vY===", "Zm 9v", "Zm9=v", "Zh==", "====", "Zm9vYg="})
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
}

}  // namespace
}  // namespace tandem::media
