// Whole-file text input for the commands that take -f FILE.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tandem::cli {

// The file's bytes; throws std::runtime_error("PATH: cannot read") when it can't be opened.
inline std::string read_text_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot read");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace tandem::cli
