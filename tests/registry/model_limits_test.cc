// The --models-max-bytes sizes and Ollama-style keep_alive durations, and their refusals.
#include "registry/model_limits.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tandem::registry {
namespace {

TEST(ModelLimits, ByteSizes) {
  EXPECT_EQ(parse_byte_size("0"), 0u);
  EXPECT_EQ(parse_byte_size("1234"), 1234u);
  EXPECT_EQ(parse_byte_size("1K"), 1024u);
  EXPECT_EQ(parse_byte_size("500M"), 500ull << 20);
  EXPECT_EQ(parse_byte_size("2G"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("1.5GiB"), 3ull << 29);
  EXPECT_EQ(parse_byte_size("64kb"), 64u << 10);
  for (const char* bad : {"", "lots", "-1", "5X", "1e9", "M", "99999999999T", "1..2G"})
    EXPECT_THROW(parse_byte_size(bad), std::invalid_argument) << bad;
}

TEST(ModelLimits, KeepAlive) {
  using std::chrono::milliseconds;
  EXPECT_EQ(parse_keep_alive("5m"), milliseconds(300000));
  EXPECT_EQ(parse_keep_alive("30s"), milliseconds(30000));
  EXPECT_EQ(parse_keep_alive("1h30m"), milliseconds(5400000));
  EXPECT_EQ(parse_keep_alive("250ms"), milliseconds(250));
  EXPECT_EQ(parse_keep_alive("300"), milliseconds(300000));  // bare: seconds
  EXPECT_EQ(parse_keep_alive("0"), milliseconds(0));
  EXPECT_EQ(parse_keep_alive("-1"), kKeepForever);
  EXPECT_EQ(parse_keep_alive("-5m"), kKeepForever);
  EXPECT_EQ(keep_alive_from_json(nlohmann::json(10)), milliseconds(10000));
  EXPECT_EQ(keep_alive_from_json(nlohmann::json(-1)), kKeepForever);
  EXPECT_EQ(keep_alive_from_json(nlohmann::json("2m")), milliseconds(120000));
  for (const char* bad : {"", "-", "soon", "5x", "5 m", "1e400h", "5m3", "99999999999h"})
    EXPECT_THROW(parse_keep_alive(bad), std::invalid_argument) << bad;
  EXPECT_THROW(keep_alive_from_json(nlohmann::json(true)), std::invalid_argument);
  EXPECT_THROW(keep_alive_from_json(nlohmann::json(1e300)), std::invalid_argument);
  EXPECT_EQ(describe_keep_alive(milliseconds(300000)), "5m");
  EXPECT_EQ(describe_keep_alive(kKeepForever), "forever");
}

}  // namespace
}  // namespace tandem::registry
