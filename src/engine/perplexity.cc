#include "engine/perplexity.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tandem::engine {

double token_nll(std::span<const float> logits, TokenId next) {
  double max_logit = -INFINITY;
  for (float l : logits) max_logit = std::max(max_logit, static_cast<double>(l));
  double sum = 0;
  for (float l : logits) sum += std::exp(static_cast<double>(l) - max_logit);
  return std::log(sum) + max_logit - static_cast<double>(logits[static_cast<size_t>(next)]);
}

PerplexityResult perplexity(Transformer& tf, std::span<const TokenId> tokens, int32_t ctx,
                            const std::function<void(int64_t, double)>& on_chunk,
                            model::GgmlType kv_type) {
  if (ctx < 4) throw std::invalid_argument("perplexity context must be at least 4 tokens");
  if (tokens.size() < 2 * static_cast<size_t>(ctx))
    throw std::invalid_argument("you need at least " + std::to_string(2 * ctx) +
                                " tokens to evaluate perplexity with a context of " +
                                std::to_string(ctx) + " (the text has " +
                                std::to_string(tokens.size()) + ")");
  const auto& tok = tf.model().tokenizer();
  const int64_t n_vocab = tf.model().config().n_vocab;
  PerplexityResult r;
  r.n_chunks = static_cast<int64_t>(tokens.size()) / ctx;
  const int32_t first = ctx / 2;
  double nll = 0, nll2 = 0;
  KvCache cache = tf.make_cache(ctx, 1, kv_type);
  for (int64_t i = 0; i < r.n_chunks; ++i) {
    std::vector<TokenId> chunk(tokens.begin() + i * ctx, tokens.begin() + (i + 1) * ctx);
    if (tok.bos() >= 0) chunk[0] = tok.bos();
    cache.clear(0);
    Batch b;
    for (int32_t p = 0; p < ctx; ++p)
      b.add(chunk[static_cast<size_t>(p)], p, 0, p >= first && p < ctx - 1);
    const auto logits = tf.forward(b, cache);
    for (int32_t p = first; p < ctx - 1; ++p) {
      const auto row = logits.subspan(static_cast<size_t>(p - first) * n_vocab, n_vocab);
      const double v = token_nll(row, tokens[static_cast<size_t>(i * ctx + p + 1)]);
      nll += v;
      nll2 += v * v;
      ++r.n_scored;
    }
    r.running_ppl.push_back(std::exp(nll / static_cast<double>(r.n_scored)));
    if (on_chunk) on_chunk(i, r.running_ppl.back());
  }
  const double count = static_cast<double>(r.n_scored);
  const double mean = nll / count;
  const double var = nll2 / count - mean * mean;
  r.ppl = std::exp(mean);
  r.uncertainty = count > 1 ? r.ppl * std::sqrt(std::max(0.0, var) / (count - 1)) : 0.0;
  return r;
}

}  // namespace tandem::engine
