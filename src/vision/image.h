// Decoded images and their decoding (PNG, JPEG, BMP, GIF through stb_image).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace tandem::vision {

// Every problem with an input image (corrupt, truncated, unsupported format, too large):
// one type, so the API layer can answer 400 with what().
class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// 8-bit RGB, rows top to bottom, pixels interleaved (r, g, b).
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 3

  const uint8_t* at(int x, int y) const {
    return pixels.data() + (static_cast<size_t>(y) * width + x) * 3;
  }
  uint8_t* at(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * width + x) * 3; }
};

struct DecodeLimits {
  int64_t max_pixels = 4096LL * 4096;  // width * height above this is refused
};

// Decodes PNG, JPEG, BMP or GIF (its first frame) to RGB; alpha is dropped, grey expanded.
// Throws ImageError naming the problem.
RgbImage decode_image(std::span<const uint8_t> bytes, const DecodeLimits& limits = {});

}  // namespace tandem::vision
