// A saved prompt state: the tokens at positions 0..n-1, the NLL of each where the forward
// computed it (the Dispatcher's routing perplexity can then be taken from the cache), and the
// KV rows of those positions as engine::KvCache::save() wrote them. Immutable once made:
// stores hand out shared pointers, so one being evicted never pulls KV from under a load.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tandem::cache {

struct KvState {
  std::vector<int32_t> tokens;
  std::vector<double> nll;  // NaN: not computed; may be one longer than tokens
  std::vector<uint8_t> kv;
  std::string layout;  // KvCache::layout() of the cache it came from
  // kv holds, for each of n_layer layers, the K rows of every position then their V rows
  // (KvCache::save): the prompt store cuts it into blocks of positions.
  int32_t n_layer = 0;

  size_t bytes() const {
    return kv.size() + tokens.size() * sizeof(int32_t) + nll.size() * sizeof(double);
  }
};

// Tokens `a` and `b` share at the start.
inline int32_t common_prefix(std::span<const int32_t> a, std::span<const int32_t> b) {
  const auto m = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return static_cast<int32_t>(m.first - a.begin());
}

}  // namespace tandem::cache
