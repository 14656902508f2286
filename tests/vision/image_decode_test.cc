#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "vision/image.h"
#include "vision/vision_test_util.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace tandem::vision {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::vector<uint8_t> fixture() {
  return testing::read_bytes(testing::fixture_png());
}

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
}

const std::vector<uint8_t> kDht = {0xff, 0xc4};

// The fixture re-encoded as JPEG or BMP with stb_image_write.
std::vector<uint8_t> encode_as(const std::string& format, const RgbImage& img) {
  std::vector<uint8_t> out;
  if (format == "jpeg")
    stbi_write_jpg_to_func(append, &out, img.width, img.height, 3, img.pixels.data(), 95);
  else
    stbi_write_bmp_to_func(append, &out, img.width, img.height, 3, img.pixels.data());
  return out;
}

TEST(DecodeImage, PngPixelsAreExact) {
  const RgbImage img = decode_image(fixture());
  ASSERT_EQ(img.width, 45);
  ASSERT_EQ(img.height, 37);
  ASSERT_EQ(img.pixels.size(), 45u * 37 * 3);
  EXPECT_EQ(img.at(20, 15)[0], 250);  // the disc
  EXPECT_EQ(img.at(20, 15)[1], 240);
  EXPECT_EQ(img.at(20, 15)[2], 20);
  EXPECT_EQ(img.at(0, 0)[0], 0);  // ramps
  EXPECT_EQ(img.at(44, 0)[0], 255);
  EXPECT_EQ(img.at(0, 36)[1], 255);
}

// Zero-length IDAT chunks (legal, no data) are dropped before stb_image sees them: it would
// memcpy into a null buffer (UBSan, found by fuzz_image). Same pixels with and without them.
TEST(DecodeImage, EmptyIdatChunksAreHarmless) {
  const std::vector<uint8_t> png = fixture();
  size_t pos = 8;
  while (std::memcmp(png.data() + pos + 4, "IDAT", 4) != 0) {
    const uint32_t len = (uint32_t{png[pos]} << 24) | (uint32_t{png[pos + 1]} << 16) |
                         (uint32_t{png[pos + 2]} << 8) | png[pos + 3];
    pos += 12 + len;
  }
  // An empty IDAT before the first one and another before IEND; the CRC is CRC-32("IDAT").
  const uint8_t empty[12] = {0, 0, 0, 0, 'I', 'D', 'A', 'T', 0x35, 0xAF, 0x06, 0x1E};
  std::vector<uint8_t> odd(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(pos));
  odd.insert(odd.end(), empty, empty + 12);
  odd.insert(odd.end(), png.begin() + static_cast<std::ptrdiff_t>(pos), png.end() - 12);
  odd.insert(odd.end(), empty, empty + 12);
  odd.insert(odd.end(), png.end() - 12, png.end());
  const RgbImage want = decode_image(png);
  const RgbImage got = decode_image(odd);
  EXPECT_EQ(got.width, want.width);
  EXPECT_EQ(got.height, want.height);
  EXPECT_EQ(got.pixels, want.pixels);
}

TEST(DecodeImage, JpegAndBmp) {
  const RgbImage ref = decode_image(fixture());
  const RgbImage bmp = decode_image(encode_as("bmp", ref));
  EXPECT_EQ(bmp.pixels, ref.pixels);  // lossless
  const RgbImage jpg = decode_image(encode_as("jpeg", ref));
  ASSERT_EQ(jpg.width, 45);
  ASSERT_EQ(jpg.height, 37);
  EXPECT_NEAR(jpg.at(20, 15)[0], 250, 12);  // lossy, but the disc is still yellow
  EXPECT_NEAR(jpg.at(20, 15)[2], 20, 12);
}

TEST(DecodeImage, GifFirstFrame) {
  // A 1 x 1 GIF whose one pixel is palette entry 0, red.
  const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0, 0, 0,  0,
                         0,   ',', 0,   0,   0,   0,   1, 0, 1, 0, 0,    2, 2, 0x44, 1, 0, ';'};
  const RgbImage img = decode_image(gif);
  ASSERT_EQ(img.width, 1);
  ASSERT_EQ(img.height, 1);
  EXPECT_EQ(img.pixels, (std::vector<uint8_t>{255, 0, 0}));
}

TEST(DecodeImage, EveryFailureIsAnImageErrorSayingWhy) {
  const auto png = fixture();
  EXPECT_THAT([] { decode_image({}); }, ThrowsMessage<ImageError>(HasSubstr("empty image")));
  const std::string text = "hello, not an image";
  EXPECT_THAT(
      [&] {
        decode_image({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
      },
      ThrowsMessage<ImageError>(HasSubstr("unsupported image format")));
  // TGA and friends are outside the accepted set even though stb could read some.
  const uint8_t tga[] = {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 24, 0, 1, 2, 3};
  EXPECT_THROW(decode_image(tga), ImageError);
  std::vector<uint8_t> truncated(png.begin(), png.begin() + static_cast<long>(png.size() / 2));
  EXPECT_THAT([&] { decode_image(truncated); }, ThrowsMessage<ImageError>(HasSubstr("PNG")));
  std::vector<uint8_t> header_only(png.begin(), png.begin() + 20);
  EXPECT_THAT([&] { decode_image(header_only); }, ThrowsMessage<ImageError>(HasSubstr("corrupt")));
  auto jpg = encode_as("jpeg", decode_image(png));
  jpg.resize(jpg.size() * 2 / 3);
  EXPECT_THAT([&] { decode_image(jpg); }, ThrowsMessage<ImageError>(HasSubstr("truncated JPEG")));
  EXPECT_THAT([&] { decode_image(png, {.max_pixels = 45 * 37 - 1}); },
              ThrowsMessage<ImageError>(HasSubstr("image too large: 45x37 = 1665 pixels")));
  EXPECT_NO_THROW(decode_image(png, {.max_pixels = 45 * 37}));
}

// The fuzzer's input that made stb 2.27 write past its Huffman size table: one DHT whose 16
// code-length counts add up to far more than 256 symbols.
TEST(DecodeImage, JpegHuffmanTableWithMoreThan256CodesIsRefused) {
  const uint8_t fuzzed[] = {0xff, 0xd8, 0xff, 0xc4, 0xf4, 0xf4, 0x00, 0xf4, 0x4e, 0x82};
  EXPECT_THAT([&] { decode_image(fuzzed); },
              ThrowsMessage<ImageError>(HasSubstr("Huffman table declares more than 256")));
  // A real JPEG with the counts of its first table raised to 2 x 255.
  auto jpg = encode_as("jpeg", decode_image(fixture()));
  const auto dht = std::search(jpg.begin(), jpg.end(), kDht.begin(), kDht.end());
  ASSERT_NE(dht, jpg.end());
  dht[5 + 14] = 255;
  dht[5 + 15] = 255;
  EXPECT_THAT([&] { decode_image(jpg); }, ThrowsMessage<ImageError>(HasSubstr("Huffman")));
}

// The check follows the segment structure: an application segment whose payload happens to
// contain the bytes of an oversized DHT is not a DHT, and the image decodes as before.
TEST(DecodeImage, HuffmanCheckSkipsWhatIsNotADhtSegment) {
  const RgbImage ref = decode_image(fixture());
  const auto jpg = encode_as("jpeg", ref);
  std::vector<uint8_t> payload = {0xff, 0xc4, 0x00, 0x40, 0x00};
  payload.resize(64, 0xee);
  std::vector<uint8_t> with_app1 = {0xff, 0xd8, 0xff,
                                    0xe1, 0x00, static_cast<uint8_t>(payload.size() + 2)};
  with_app1.reserve(with_app1.size() + payload.size() + jpg.size());
  with_app1.insert(with_app1.end(), payload.begin(), payload.end());
  with_app1.insert(with_app1.end(), jpg.begin() + 2, jpg.end());
  const RgbImage a = decode_image(jpg), b = decode_image(with_app1);
  EXPECT_EQ(a.pixels, b.pixels);
}

TEST(DecodeImage, CorruptPngDataIsCaught) {
  auto png = fixture();
  // Scramble the compressed pixel data (after IHDR): zlib or the filter bytes must object.
  for (size_t i = 60; i < png.size() - 20; i += 7) png[i] ^= 0x5a;
  EXPECT_THROW(decode_image(png), ImageError);
}

}  // namespace
}  // namespace tandem::vision
