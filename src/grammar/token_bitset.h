// Fixed-size bitset over token ids: the allowed-token mask handed to the sampler.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace tandem::grammar {

class TokenBitset {
 public:
  TokenBitset() = default;
  explicit TokenBitset(size_t n) : n_(n), words_((n + 63) / 64, 0) {}

  size_t size() const { return n_; }
  bool test(size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void set(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  void reset(size_t i) { words_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  void fill(bool value) {
    std::fill(words_.begin(), words_.end(), value ? ~uint64_t{0} : 0);
    if (value && n_ % 64 != 0) words_.back() = (uint64_t{1} << (n_ % 64)) - 1;
  }
  size_t count() const {
    size_t c = 0;
    for (uint64_t w : words_) c += static_cast<size_t>(std::popcount(w));
    return c;
  }
  const std::vector<uint64_t>& words() const { return words_; }

 private:
  size_t n_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace tandem::grammar
