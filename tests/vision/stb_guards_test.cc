#include "vision/stb_guards.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace tandem::vision {
namespace {

// A DHT segment: length, then one table (class/id byte, 16 counts, the symbols).
std::vector<uint8_t> dht(int symbols_at_16_bits) {
  const size_t len = 2 + 17 + static_cast<size_t>(symbols_at_16_bits);
  std::vector<uint8_t> seg(2 + len, 0x01);
  seg[0] = 0xff;
  seg[1] = 0xc4;
  seg[2] = static_cast<uint8_t>(len >> 8);
  seg[3] = static_cast<uint8_t>(len & 0xff);
  seg[4] = 0x00;  // class 0, id 0
  int left = symbols_at_16_bits;
  for (int i = 16; i >= 1; --i) {  // fill the longest code lengths first
    seg[4 + i] = static_cast<uint8_t>(std::min(left, 255));
    left -= seg[4 + i];
  }
  return seg;
}

std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const std::vector<uint8_t> kSoi = {0xff, 0xd8};
const std::vector<uint8_t> kEoi = {0xff, 0xd9};
const std::vector<uint8_t> kSos = {0xff, 0xda, 0x00, 0x04, 0x01, 0x00};

TEST(StbGuards, HuffmanTablesUpTo256SymbolsFit) {
  EXPECT_TRUE(jpeg_huffman_tables_fit(cat({kSoi, dht(256), kEoi})));
  EXPECT_FALSE(jpeg_huffman_tables_fit(cat({kSoi, dht(257), kEoi})));
}

// Progressive JPEGs define tables between scans: those are checked too. Inside a scan a
// stuffed FF 00 is data, so the bytes after it are not read as a segment.
TEST(StbGuards, TablesBetweenScansAreCheckedAndScanDataIsSkipped) {
  const std::vector<uint8_t> scan_data = {0x12, 0xff, 0x00, 0xc4, 0xff, 0xff, 0xd0, 0x34};
  EXPECT_TRUE(jpeg_huffman_tables_fit(cat({kSoi, dht(10), kSos, scan_data, dht(200), kEoi})));
  EXPECT_FALSE(jpeg_huffman_tables_fit(cat({kSoi, dht(10), kSos, scan_data, dht(300), kEoi})));
  // After the end-of-image marker nothing more is read.
  EXPECT_TRUE(jpeg_huffman_tables_fit(cat({kSoi, kEoi, dht(300)})));
}

// A cut-off table: stb reads zeros past the end, so counts missing from the input are zero.
TEST(StbGuards, TruncatedTablesAreReadAsStbReadsThem) {
  auto cut = cat({kSoi, dht(400)});
  cut.resize(kSoi.size() + 4 + 1 + 16);  // all counts present, symbols cut off
  EXPECT_FALSE(jpeg_huffman_tables_fit(cut));
  cut.resize(kSoi.size() + 4 + 1 + 14);  // the two non-zero counts (255, 145) cut off
  EXPECT_TRUE(jpeg_huffman_tables_fit(cut));
}

TEST(StbGuards, JpegEndAndEmptyIdat) {
  EXPECT_TRUE(jpeg_has_end(cat({kSoi, kSos, {0x01, 0x02}, kEoi})));
  EXPECT_FALSE(jpeg_has_end(cat({kSoi, kEoi, kSos, {0x01, 0x02}})));
  const std::vector<uint8_t> sig = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  const std::vector<uint8_t> empty_idat = {0, 0, 0, 0, 'I', 'D', 'A', 'T', 1, 2, 3, 4};
  const std::vector<uint8_t> iend = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 5, 6, 7, 8};
  const auto cleaned = png_without_empty_idat(cat({sig, empty_idat, iend}));
  ASSERT_TRUE(cleaned.has_value());
  EXPECT_EQ(*cleaned, cat({sig, iend}));
  EXPECT_FALSE(png_without_empty_idat(cat({sig, iend})).has_value());
}

}  // namespace
}  // namespace tandem::vision
