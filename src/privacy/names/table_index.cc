#include "privacy/names/table_index.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace tandem::privacy {

TableIndex::TableIndex(std::string_view table, size_t key_bytes, size_t stride)
    : table_(table), key_bytes_(key_bytes), stride_(stride) {
  // Keys of 1-4 Han characters only (the generated tables); another width indexes nothing.
  const bool width_ok = key_bytes % 3 == 0 && key_bytes >= 3 && key_bytes <= 12;
  const size_t n = width_ok && stride >= key_bytes ? table.size() / stride : 0;
  // At most half full: probe runs stay short.
  const size_t cap = std::bit_ceil(std::max<size_t>(2 * n, 16));
  slots_.assign(cap, 0);
  mask_ = cap - 1;
  for (size_t e = 0; e < n; ++e) {
    size_t s = hash(table.data() + e * stride) & mask_;
    while (slots_[s] != 0) s = (s + 1) & mask_;
    slots_[s] = static_cast<uint32_t>(e + 1);
  }
}

namespace {

// Keys are 3-12 bytes: fold them into 64 bits 8 bytes at a time, then mix. N is a constant in
// each instance, so the copies and the comparison below compile to plain loads.
template <size_t N>
uint64_t fold(const char* key) {
  uint64_t h = N;
  for (size_t k = 0; k < N; k += 8) {
    uint64_t part = 0;
    std::memcpy(&part, key + k, std::min<size_t>(8, N - k));
    h = (h ^ part) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  return h ^ (h >> 32);
}

template <size_t N>
const char* probe(const char* key, std::string_view table, size_t stride,
                  const std::vector<uint32_t>& slots, size_t mask) {
  for (size_t s = fold<N>(key) & mask; slots[s] != 0; s = (s + 1) & mask) {
    const char* e = table.data() + (slots[s] - 1) * stride;
    if (std::memcmp(e, key, N) == 0) return e;
  }
  return nullptr;
}

}  // namespace

uint64_t TableIndex::hash(const char* key) const {
  switch (key_bytes_) {
    case 3:
      return fold<3>(key);
    case 6:
      return fold<6>(key);
    case 9:
      return fold<9>(key);
    case 12:
      return fold<12>(key);
    default:
      return 0;  // the constructor accepts only these widths
  }
}

std::string_view TableIndex::find(std::string_view key) const {
  if (key.size() != key_bytes_) return {};
  const char* e = nullptr;
  switch (key_bytes_) {
    case 3:
      e = probe<3>(key.data(), table_, stride_, slots_, mask_);
      break;
    case 6:
      e = probe<6>(key.data(), table_, stride_, slots_, mask_);
      break;
    case 9:
      e = probe<9>(key.data(), table_, stride_, slots_, mask_);
      break;
    case 12:
      e = probe<12>(key.data(), table_, stride_, slots_, mask_);
      break;
    default:
      break;
  }
  return e == nullptr ? std::string_view{} : std::string_view(e, stride_);
}

CharSet::CharSet(std::string_view chars) {
  for (size_t i = 0; i + 3 <= chars.size(); i += 3)
    if ((static_cast<unsigned char>(chars[i]) & 0xF0) == 0xE0) bits_.set(code_point(&chars[i]));
}

}  // namespace tandem::privacy
