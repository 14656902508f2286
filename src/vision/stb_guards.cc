#include "vision/stb_guards.h"

#include <cstring>

namespace tandem::vision {
namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// stb reads zeros past the end of its input; so do we, to see the same counts it sees.
uint8_t byte_at(std::span<const uint8_t> b, size_t i) {
  return i < b.size() ? b[i] : 0;
}

size_t be16_at(std::span<const uint8_t> b, size_t i) {
  return (size_t{byte_at(b, i)} << 8) | byte_at(b, i + 1);
}

// The tables of one DHT segment whose length field is at `pos`, read the way stb reads them:
// 1 class/id byte, 16 counts, then as many symbols as the counts add up to, while the declared
// length lasts. Sets `next` to the segment's end when the tables fill it exactly (else stb
// rejects the segment and reads no further).
bool dht_segment_fits(std::span<const uint8_t> b, size_t pos, size_t& next, bool& consistent) {
  const long length = static_cast<long>(be16_at(b, pos)) - 2;
  long left = length;
  size_t p = pos + 2;
  while (left > 0) {
    long symbols = 0;
    for (size_t i = 0; i < 16; ++i) symbols += byte_at(b, p + 1 + i);
    if (symbols > 256) return false;
    p += 17 + static_cast<size_t>(symbols);
    left -= 17 + symbols;
  }
  consistent = left == 0;
  next = p;
  return true;
}

// Entropy-coded data ends at the first 0xFF followed by a marker: not a stuffed 00, not a
// restart marker, not fill. Returns the index of that 0xFF (or the end).
size_t end_of_scan(std::span<const uint8_t> b, size_t i) {
  for (; i + 1 < b.size(); ++i) {
    if (b[i] != 0xFF) continue;
    const uint8_t m = b[i + 1];
    if (m != 0x00 && m != 0xFF && !(m >= 0xD0 && m <= 0xD7)) return i;
  }
  return b.size();
}

}  // namespace

bool jpeg_has_end(std::span<const uint8_t> b) {
  size_t i = 2;
  for (; i + 1 < b.size(); ++i)
    if (b[i] == 0xFF && b[i + 1] == 0xDA) break;
  for (; i + 1 < b.size(); ++i)
    if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
  return false;
}

// Walks the marker segments the way stb's decoder meets them: bytes between segments are
// skipped up to the next 0xFF, fill bytes are skipped, a start of scan is followed by
// entropy-coded data. Every DHT on that walk is checked; the walk stops where stb would stop
// (end of image, a DHT it rejects, the end of the input).
bool jpeg_huffman_tables_fit(std::span<const uint8_t> b) {
  size_t pos = 2;  // after the start-of-image marker
  while (pos < b.size()) {
    while (pos < b.size() && b[pos] != 0xFF) ++pos;
    while (pos < b.size() && b[pos] == 0xFF) ++pos;
    if (pos >= b.size()) break;
    const uint8_t marker = b[pos++];
    if (marker == 0xD9) break;                                           // end of image
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length field
    if (marker == 0xC4) {
      size_t next = 0;
      bool consistent = false;
      if (!dht_segment_fits(b, pos, next, consistent)) return false;
      if (!consistent) break;
      pos = next;
      continue;
    }
    pos += be16_at(b, pos);
    if (marker == 0xDA) pos = end_of_scan(b, pos);
  }
  return true;
}

std::optional<std::vector<uint8_t>> png_without_empty_idat(std::span<const uint8_t> png) {
  constexpr size_t kSignature = 8, kHeader = 8, kCrc = 4;
  std::vector<uint8_t> out;
  bool dropped = false;
  size_t pos = kSignature, copied = 0;
  while (pos + kHeader + kCrc <= png.size()) {
    const uint32_t len = be32(png.data() + pos);
    if (len > png.size() - pos - kHeader - kCrc) break;  // malformed: stb reports it
    const size_t chunk = kHeader + len + kCrc;
    if (len == 0 && std::memcmp(png.data() + pos + 4, "IDAT", 4) == 0) {
      out.insert(out.end(), png.begin() + static_cast<std::ptrdiff_t>(copied),
                 png.begin() + static_cast<std::ptrdiff_t>(pos));
      copied = pos + chunk;
      dropped = true;
    }
    pos += chunk;
  }
  if (!dropped) return std::nullopt;
  out.insert(out.end(), png.begin() + static_cast<std::ptrdiff_t>(copied), png.end());
  return out;
}

}  // namespace tandem::vision
