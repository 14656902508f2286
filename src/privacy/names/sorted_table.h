// Lookup in the generated tables of src/privacy/names/ (chinese_name_stats.cc,
// chinese_famous_names.cc): fixed-width UTF-8 entries concatenated in byte order, searched by
// bisection, so a few thousand names cost no allocation and no start-up time.
#pragma once

#include <cstddef>
#include <string_view>

namespace tandem::privacy {

// Whether `key` is one of the key.size()-byte entries of `table`.
inline bool sorted_table_contains(std::string_view table, std::string_view key) {
  const size_t w = key.size();
  if (w == 0) return false;
  size_t lo = 0, hi = table.size() / w;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const std::string_view e = table.substr(mid * w, w);
    if (e == key) return true;
    if (e < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

}  // namespace tandem::privacy
