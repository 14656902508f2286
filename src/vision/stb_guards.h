// Checks on image bytes made before stb_image sees them: each one stands in front of a
// known fault of Debian's stb_image 2.27 (found by our fuzzer) or a leniency we do not want.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace tandem::vision {

// stb's JPEG decoder fills a cut-off scan with zeros instead of failing, so a truncated
// upload would pass as a grey-bottomed image. True when an end-of-image marker follows the
// first start-of-scan marker.
bool jpeg_has_end(std::span<const uint8_t> jpeg);

// stb 2.27 builds a Huffman table from the 16 code-length counts of a DHT segment without
// checking that they add up to at most 256 symbols, writing past its 257-entry size table
// (fixed upstream in 2.28). False when any DHT table stb would read declares more than 256.
bool jpeg_huffman_tables_fit(std::span<const uint8_t> jpeg);

// stb copies a zero-length IDAT chunk with memcpy(NULL, src, 0) before it has allocated the
// image data (undefined behaviour). An empty IDAT carries no data, so the PNG without it
// decodes to the same pixels. Returns the cleaned copy, or nothing when there is nothing to drop.
std::optional<std::vector<uint8_t>> png_without_empty_idat(std::span<const uint8_t> png);

}  // namespace tandem::vision
