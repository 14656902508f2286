// Image decoding (the bytes of an image_url data: URL): any input decodes to an image of
// exactly width * height * 3 bytes within the pixel limit, or is refused with ImageError.
#include <cstdint>
#include <span>

#include "vision/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tandem::vision::DecodeLimits limits;
  limits.max_pixels = 1 << 20;  // keeps a forged header from asking for gigabytes
  try {
    const auto img = tandem::vision::decode_image(std::span<const uint8_t>(data, size), limits);
    const int64_t pixels = static_cast<int64_t>(img.width) * img.height;
    if (img.width <= 0 || img.height <= 0 || pixels > limits.max_pixels ||
        img.pixels.size() != static_cast<size_t>(pixels) * 3)
      __builtin_trap();
  } catch (const tandem::vision::ImageError&) {
  }
  return 0;
}
