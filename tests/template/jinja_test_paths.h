// Where the Jinja tests find testdata/templates and the reference script. CMake defines
// TANDEM_SOURCE_DIR; a standalone g++ build run from the repository root works without it.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tandem::templates::test {

inline std::filesystem::path source_root() {
#ifdef TANDEM_SOURCE_DIR
  return TANDEM_SOURCE_DIR;
#else
  // __FILE__ is tests/template/<this file>; climb to the repository root.
  return std::filesystem::absolute(__FILE__).parent_path().parent_path().parent_path();
#endif
}

inline std::filesystem::path templates_dir() {
  return source_root() / "testdata" / "templates";
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace tandem::templates::test
