// Fixtures of the vision tests.
#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace tandem::testing {

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A 45 x 37 RGB PNG: red ramps left to right, green top to bottom, a yellow disc at (20, 15).
inline std::string fixture_png() {
  return std::string(TANDEM_SOURCE_DIR) + "/tests/vision/fixtures/tiny_45x37.png";
}

}  // namespace tandem::testing
