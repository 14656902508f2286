// Locations of shared test data and the built binary, and a few file helpers for tests.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tandem::test {

inline std::string shared(const std::string& rel) { return std::string(TANDEM_SHARED_DIR) + "/" + rel; }
inline std::string source(const std::string& rel) { return std::string(TANDEM_SOURCE_DIR) + "/" + rel; }
inline std::string stories(const std::string& file) { return shared("models/stories260K/" + file); }

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

}  // namespace tandem::test
