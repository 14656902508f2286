// Locations of shared test data and the built binary, and a few file helpers for tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tandem::test {

inline std::string shared(const std::string& rel) {
  return std::string(TANDEM_SHARED_DIR) + "/" + rel;
}
inline std::string source(const std::string& rel) {
  return std::string(TANDEM_SOURCE_DIR) + "/" + rel;
}
inline std::string stories(const std::string& file) {
  return shared("models/stories260K/" + file);
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The known-good greedy story from the stories260K README (the block after "Known-good").
inline std::string stories_golden_text() {
  const std::string readme = read_file(stories("README.md"));
  const auto section = readme.find("Known-good output");
  const auto open = readme.find("```\n", section);
  const auto close = readme.find("\n```", open + 4);
  if (section == std::string::npos || open == std::string::npos || close == std::string::npos)
    throw std::runtime_error("golden text not found in the stories260K README");
  return readme.substr(open + 4, close - open - 4);
}

// A directory private to this process and test: CTest runs tests as parallel processes,
// so a shared temp path would race.
inline std::string unique_temp_dir() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "tandem-" + std::to_string(::getpid());
  if (info) name += std::string("-") + info->test_suite_name() + "." + info->name();
  for (auto& c : name)
    if (c == '/') c = '_';
  const auto dir = std::filesystem::path(testing::TempDir()) / name;
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace tandem::test
