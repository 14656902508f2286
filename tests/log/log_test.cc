// The logger's formats and levels, read back through an in-memory sink.
#include "log/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace tandem::log {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Log, JsonLinesParseWhateverTheMessageHolds) {
  std::ostringstream out;
  init(spdlog::level::info, Format::kJson, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  spdlog::info("quote \" backslash \\ newline \n tab \t bell \a end");
  spdlog::warn("second");
  const auto got = lines(out.str());
  ASSERT_EQ(got.size(), 2u) << out.str();
  const auto first = nlohmann::json::parse(got[0]);
  EXPECT_EQ(first["msg"], "quote \" backslash \\ newline \n tab \t bell \a end");
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["time"].get<std::string>().size(),
            std::string("2026-12-06T14:00:00.000+00:00").size());
  EXPECT_EQ(nlohmann::json::parse(got[1])["level"], "warning");
}

TEST(Log, LevelsFilterAndTextLinesHaveATimestamp) {
  std::ostringstream out;
  init(parse_level("warn"), parse_format("text"),
       std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  spdlog::info("hidden");
  spdlog::error("shown");
  const auto got = lines(out.str());
  ASSERT_EQ(got.size(), 1u) << out.str();
  EXPECT_NE(got[0].find(" error shown"), std::string::npos) << got[0];
  EXPECT_EQ(got[0][4], '-');  // 2026-...
  EXPECT_EQ(got[0][10], 'T');
}

TEST(Log, UnknownNamesAreRefused) {
  EXPECT_THROW(parse_level("loud"), std::invalid_argument);
  EXPECT_THROW(parse_format("xml"), std::invalid_argument);
  EXPECT_EQ(parse_level("error"), spdlog::level::err);
  EXPECT_EQ(parse_level("off"), spdlog::level::off);
}

}  // namespace
}  // namespace tandem::log
