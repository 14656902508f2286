#include "serving/token_logprob.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tandem::serving {

TokenLogprob token_logprob(std::span<const float> logits, tokenizer::TokenId id, int32_t n_top) {
  float mx = -INFINITY;
  for (float v : logits)
    if (std::isfinite(v)) mx = std::max(mx, v);
  double sum = 0;
  for (float v : logits)
    if (std::isfinite(v)) sum += std::exp(static_cast<double>(v) - mx);
  const float lse = mx + static_cast<float>(std::log(sum));
  auto lp = [&](tokenizer::TokenId t) {
    const float v = logits[static_cast<size_t>(t)];
    return std::isfinite(v) ? v - lse : -INFINITY;
  };
  serving::TokenLogprob out{id, lp(id), {}};
  if (n_top > 0) {
    const size_t n = std::min<size_t>(static_cast<size_t>(n_top), logits.size());
    std::vector<tokenizer::TokenId> ids(logits.size());
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<tokenizer::TokenId>(i);
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n), ids.end(),
                      [&](tokenizer::TokenId a, tokenizer::TokenId b) {
                        return lp(a) > lp(b) || (lp(a) == lp(b) && a < b);
                      });
    for (size_t i = 0; i < n; ++i) out.top.emplace_back(ids[i], lp(ids[i]));
  }
  return out;
}

}  // namespace tandem::serving
