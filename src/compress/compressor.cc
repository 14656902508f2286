#include "compress/compressor.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace tandem::compress {

void validate(const CompressOptions& o) {
  if (!(o.keep > 0.0 && o.keep <= 1.0))
    throw std::invalid_argument("the share to keep must be in (0, 1], got " +
                                std::to_string(o.keep));
  if (o.keep_last_words < 0) throw std::invalid_argument("keep_last_words must be >= 0");
  if (!(o.tail_share >= 0.0 && o.tail_share <= 1.0))
    throw std::invalid_argument("tail_share must be in [0, 1], got " +
                                std::to_string(o.tail_share));
}

int64_t budget(int64_t n, double keep) {
  return std::max<int64_t>(1, std::llround(keep * static_cast<double>(n)));
}

Compression from_mask(const tokenizer::Tokenizer& tok, std::span<const tokenizer::TokenId> tokens,
                      std::vector<uint8_t> kept) {
  Compression c;
  c.kept = std::move(kept);
  for (size_t i = 0; i < tokens.size(); ++i)
    if (c.kept[i]) c.tokens.push_back(tokens[i]);
  c.tokens_before = static_cast<int64_t>(tokens.size());
  c.tokens_after = static_cast<int64_t>(c.tokens.size());
  c.text = tok.decode(c.tokens);
  return c;
}

Compression keep_by_priority(const tokenizer::Tokenizer& tok,
                             std::span<const tokenizer::TokenId> tokens,
                             std::span<const WordUnit> units, std::span<const double> priority,
                             const CompressOptions& o) {
  validate(o);
  if (priority.size() != units.size())
    throw std::invalid_argument("one priority per unit expected");
  const auto n = static_cast<int64_t>(tokens.size());
  const int64_t target = budget(n, o.keep);
  std::vector<uint8_t> keep_unit(units.size(), 0);
  int64_t used = 0;
  auto take = [&](size_t u) {
    keep_unit[u] = 1;
    used += static_cast<int64_t>(units[u].size());
  };
  // Mandatory: protected units, then the last words.
  for (size_t u = 0; u < units.size(); ++u)
    if (units[u].protect) take(u);
  int tail = 0;
  for (size_t u = units.size(); u-- > 0 && tail < o.keep_last_words;) {
    if (units[u].protect) continue;
    take(u);
    ++tail;
  }
  // The most recent words, as one run back from the end, within their share of the budget.
  const int64_t tail_budget = std::llround(o.tail_share * static_cast<double>(target));
  int64_t tail_used = 0;
  for (size_t u = units.size(); u-- > 0;) {
    if (keep_unit[u]) continue;
    const auto sz = static_cast<int64_t>(units[u].size());
    if (tail_used + sz > tail_budget || used + sz > target) break;
    take(u);
    tail_used += sz;
  }
  std::vector<size_t> order(units.size());
  std::iota(order.begin(), order.end(), 0);
  // Highest priority first; ties: the earlier unit.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return priority[a] > priority[b]; });
  for (const size_t u : order)
    if (!keep_unit[u] && used + static_cast<int64_t>(units[u].size()) <= target) take(u);
  std::vector<uint8_t> kept(tokens.size(), 0);
  for (size_t u = 0; u < units.size(); ++u)
    if (keep_unit[u])
      for (size_t i = units[u].begin; i < units[u].end; ++i) kept[i] = 1;
  return from_mask(tok, tokens, std::move(kept));
}

Compression compress(const tokenizer::Tokenizer& tok, std::span<const tokenizer::TokenId> tokens,
                     std::span<const float> surprisal, const CompressOptions& o) {
  if (surprisal.size() != tokens.size())
    throw std::invalid_argument("compress: " + std::to_string(surprisal.size()) +
                                " surprisal values for " + std::to_string(tokens.size()) +
                                " tokens");
  const auto units = word_units(tok, tokens, !o.compress_code);
  std::vector<double> priority(units.size(), 0.0);
  for (size_t u = 0; u < units.size(); ++u) {
    double s = 0;
    for (size_t i = units[u].begin; i < units[u].end; ++i) s += surprisal[i];
    priority[u] = s / static_cast<double>(std::max<size_t>(1, units[u].size()));
  }
  return keep_by_priority(tok, tokens, units, priority, o);
}

}  // namespace tandem::compress
