#include "serving/cached_prefix.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tandem::serving {

int32_t CachedPrefix::reusable(std::span<const TokenId> prompt, bool need_scores,
                               bool need_logprobs) const {
  if (need_logprobs || prompt.empty()) return 0;
  const auto mismatch = std::mismatch(tokens_.begin(), tokens_.end(), prompt.begin(), prompt.end());
  auto common = static_cast<int32_t>(mismatch.first - tokens_.begin());
  int32_t r = std::min(common, static_cast<int32_t>(prompt.size()) - 1);
  if (!need_scores) return r;
  // Token r's NLL comes from the cache too (its row is not evaluated again), so it must be
  // one of the common tokens: r < common.
  r = std::min(r, common - 1);
  for (int32_t i = 1; i <= r; ++i)
    if (static_cast<size_t>(i) >= nll_.size() || std::isnan(nll_[static_cast<size_t>(i)]))
      return i - 1;
  return std::max(r, 0);
}

void CachedPrefix::reuse_for(std::span<const TokenId> prompt, int32_t n) {
  const auto k = static_cast<size_t>(n);
  if (n < 0 || k > tokens_.size() || k > prompt.size() ||
      !std::equal(tokens_.begin(), tokens_.begin() + n, prompt.begin()))
    throw std::out_of_range("the cached prefix is not a prefix of the prompt");
  const bool next_same = k < tokens_.size() && k < prompt.size() && tokens_[k] == prompt[k];
  tokens_.resize(k);
  nll_.resize(std::min(nll_.size(), next_same ? k + 1 : k));
}

void CachedPrefix::assign(std::vector<TokenId> tokens, std::vector<double> nll) {
  tokens_ = std::move(tokens);
  nll_ = std::move(nll);
  if (nll_.size() > tokens_.size() + 1) nll_.resize(tokens_.size() + 1);
}

void CachedPrefix::clear() {
  tokens_.clear();
  nll_.clear();
}

double CachedPrefix::nll_sum(int32_t n) const {
  double sum = 0;
  for (int32_t i = 1; i <= n; ++i) sum += nll_.at(static_cast<size_t>(i));
  return sum;
}

void CachedPrefix::set_nll(int32_t pos, double nll) {
  const auto i = static_cast<size_t>(pos);
  if (nll_.size() <= i) nll_.resize(i + 1, std::numeric_limits<double>::quiet_NaN());
  nll_[i] = nll;
}

}  // namespace tandem::serving
