#include "compress/conditioned.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "engine/batch.h"
#include "engine/perplexity.h"

namespace tandem::compress {

Compression compress_conditioned(engine::Transformer& tf, engine::KvCache& cache,
                                 const tokenizer::Tokenizer& tok,
                                 std::span<const tokenizer::TokenId> tokens,
                                 const CompressOptions& o, int segment_words) {
  validate(o);
  if (segment_words < 1) throw std::invalid_argument("segment_words must be >= 1");
  if (tokens.size() + 1 > static_cast<size_t>(cache.n_ctx()))
    throw std::invalid_argument("compress_conditioned: the prompt does not fit the cache");
  const auto units = word_units(tok, tokens, !o.compress_code);
  const auto v = static_cast<size_t>(tf.model().config().n_vocab);
  std::vector<uint8_t> kept(tokens.size(), 0);
  // Mandatory units: protected, and the last words.
  std::vector<uint8_t> must(units.size(), 0);
  for (size_t u = 0; u < units.size(); ++u) must[u] = units[u].protect;
  for (size_t u = units.size(), tail = 0; u-- > 0 && tail < static_cast<size_t>(o.keep_last_words);)
    if (!units[u].protect) {
      must[u] = 1;
      ++tail;
    }
  cache.clear(0);
  const tokenizer::TokenId bos = tok.bos();
  tf.forward(engine::Batch::sequence(std::span(&bos, 1), 0, 0, false), cache);
  int32_t pos = 1;  // the kept prefix's length in the cache
  std::vector<tokenizer::TokenId> seg_ids, keep_ids;
  for (size_t first = 0; first < units.size(); first += static_cast<size_t>(segment_words)) {
    const size_t last = std::min(units.size(), first + static_cast<size_t>(segment_words));
    seg_ids.assign(tokens.begin() + static_cast<std::ptrdiff_t>(units[first].begin),
                   tokens.begin() + static_cast<std::ptrdiff_t>(units[last - 1].end));
    // The segment after the kept prefix: the logits before each of its tokens. The prefix's
    // last logits (for the segment's first token) come from one more entry: the segment is
    // scored from position pos - 1 by re-feeding the prefix's last token.
    cache.truncate(0, pos - 1);
    std::vector<tokenizer::TokenId> feed;
    feed.push_back(pos == 1 ? bos : keep_ids.back());
    feed.insert(feed.end(), seg_ids.begin(), seg_ids.end());
    const auto logits = tf.forward(engine::Batch::sequence(feed, pos - 1, 0, true), cache);
    std::vector<double> s(seg_ids.size());
    for (size_t i = 0; i < seg_ids.size(); ++i)
      s[i] = engine::token_nll(logits.subspan(i * v, v), seg_ids[i]);
    // Choose within the segment: its share of the budget, by mean conditioned surprisal.
    const int64_t n_seg = static_cast<int64_t>(seg_ids.size());
    const int64_t target = budget(n_seg, o.keep);
    int64_t used = 0;
    std::vector<uint8_t> take(last - first, 0);
    for (size_t u = first; u < last; ++u)
      if (must[u]) {
        take[u - first] = 1;
        used += static_cast<int64_t>(units[u].size());
      }
    std::vector<size_t> order(last - first);
    std::iota(order.begin(), order.end(), first);
    auto mean = [&](size_t u) {
      double m = 0;
      for (size_t i = units[u].begin; i < units[u].end; ++i) m += s[i - units[first].begin];
      return m / static_cast<double>(units[u].size());
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return mean(a) > mean(b); });
    for (const size_t u : order)
      if (!take[u - first] && used + static_cast<int64_t>(units[u].size()) <= target) {
        take[u - first] = 1;
        used += static_cast<int64_t>(units[u].size());
      }
    // The kept tokens of the segment extend the prefix.
    std::vector<tokenizer::TokenId> add;
    for (size_t u = first; u < last; ++u)
      if (take[u - first])
        for (size_t i = units[u].begin; i < units[u].end; ++i) {
          kept[i] = 1;
          add.push_back(tokens[i]);
        }
    cache.truncate(0, pos);
    if (!add.empty()) {
      tf.forward(engine::Batch::sequence(add, pos, 0, false), cache);
      pos += static_cast<int32_t>(add.size());
      keep_ids.insert(keep_ids.end(), add.begin(), add.end());
    }
  }
  cache.clear(0);
  return from_mask(tok, tokens, std::move(kept));
}

}  // namespace tandem::compress
