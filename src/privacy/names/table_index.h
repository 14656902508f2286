// A hash index over one of the generated tables of src/privacy/names/ (fixed-width UTF-8 keys,
// each maybe followed by a cost byte, concatenated in byte order). Bisection over those tables
// was half the detector's time on long Chinese text (every character probes several tables);
// an open-addressing table of entry numbers, built once per table, answers in one or two
// probes and keeps the tables themselves as the single source.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tandem::privacy {

class TableIndex {
 public:
  // `table` holds entries of `stride` bytes whose first `key_bytes` bytes (3, 6, 9 or 12) are
  // the key.
  TableIndex(std::string_view table, size_t key_bytes, size_t stride);

  // The entry whose key is `key` (its `stride` bytes), or an empty view.
  std::string_view find(std::string_view key) const;

 private:
  uint64_t hash(const char* key) const;

  std::string_view table_;
  size_t key_bytes_, stride_;
  std::vector<uint32_t> slots_;  // entry number + 1; 0 is empty
  size_t mask_ = 0;
};

// A set of 3-byte UTF-8 characters (the hand lists of names.cc: surnames, given-name
// characters) as a bitmap over their code points: a scan of a list of several hundred
// characters per text character was the next hot spot after the tables.
class CharSet {
 public:
  explicit CharSet(std::string_view chars);  // concatenated 3-byte characters

  // Whether `ch` (3 bytes; anything else is in no set) is one of them.
  bool contains(std::string_view ch) const {
    return ch.size() == 3 && (static_cast<unsigned char>(ch[0]) & 0xF0) == 0xE0 &&
           bits_.test(code_point(ch.data()));
  }

 private:
  static size_t code_point(const char* c) {
    return (static_cast<size_t>(c[0] & 0x0F) << 12) | (static_cast<size_t>(c[1] & 0x3F) << 6) |
           static_cast<size_t>(c[2] & 0x3F);
  }

  std::bitset<0x10000> bits_;
};

}  // namespace tandem::privacy
