#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vision/image.h"
#include "vision/stb_guards.h"

// stb_image's implementation lives in this file only; the four formats we accept.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#include <stb/stb_image.h>

namespace tandem::vision {
namespace {

enum class Format { Png, Jpeg, Bmp, Gif, Unknown };

bool starts_with(std::span<const uint8_t> b, const char* magic, size_t n) {
  return b.size() >= n && std::memcmp(b.data(), magic, n) == 0;
}

Format sniff(std::span<const uint8_t> b) {
  if (starts_with(b, "\x89PNG\r\n\x1a\n", 8)) return Format::Png;
  if (starts_with(b, "\xff\xd8\xff", 3)) return Format::Jpeg;
  if (starts_with(b, "BM", 2)) return Format::Bmp;
  if (starts_with(b, "GIF87a", 6) || starts_with(b, "GIF89a", 6)) return Format::Gif;
  return Format::Unknown;
}

const char* format_name(Format f) {
  switch (f) {
    case Format::Png:
      return "PNG";
    case Format::Jpeg:
      return "JPEG";
    case Format::Bmp:
      return "BMP";
    case Format::Gif:
      return "GIF";
    case Format::Unknown:
      break;
  }
  return "unknown";
}

struct StbFree {
  void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

}  // namespace

RgbImage decode_image(std::span<const uint8_t> bytes, const DecodeLimits& limits) {
  if (bytes.empty()) throw ImageError("empty image");
  const Format f = sniff(bytes);
  std::optional<std::vector<uint8_t>> cleaned;
  if (f == Format::Png && (cleaned = png_without_empty_idat(bytes))) bytes = *cleaned;
  if (f == Format::Unknown)
    throw ImageError("unsupported image format (expected PNG, JPEG, BMP or GIF)");
  if (f == Format::Jpeg && !jpeg_huffman_tables_fit(bytes))
    throw ImageError("corrupt JPEG image: a Huffman table declares more than 256 codes");
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) throw ImageError("image too large (bytes)");
  const int len = static_cast<int>(bytes.size());
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &channels))
    throw ImageError(std::string("corrupt ") + format_name(f) + " image: " + stbi_failure_reason());
  if (w <= 0 || h <= 0) throw ImageError(std::string(format_name(f)) + " image has no pixels");
  const int64_t pixels = static_cast<int64_t>(w) * h;
  if (pixels > limits.max_pixels)
    throw ImageError("image too large: " + std::to_string(w) + "x" + std::to_string(h) + " = " +
                     std::to_string(pixels) + " pixels (limit " +
                     std::to_string(limits.max_pixels) + ")");
  if (f == Format::Jpeg && !jpeg_has_end(bytes))
    throw ImageError("truncated JPEG image (no end-of-image marker)");
  // GIF: stbi_load_from_memory returns the first frame.
  std::unique_ptr<stbi_uc, StbFree> data(
      stbi_load_from_memory(bytes.data(), len, &w, &h, &channels, 3));
  if (!data)
    throw ImageError(std::string("corrupt or truncated ") + format_name(f) +
                     " image: " + stbi_failure_reason());
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.assign(data.get(), data.get() + static_cast<size_t>(w) * h * 3);
  return img;
}

}  // namespace tandem::vision
