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

namespace {

void check_text(std::span<const TokenId> tokens, int32_t ctx) {
  if (ctx < 4) throw std::invalid_argument("perplexity context must be at least 4 tokens");
  if (tokens.size() < 2 * static_cast<size_t>(ctx))
    throw std::invalid_argument("you need at least " + std::to_string(2 * ctx) +
                                " tokens to evaluate perplexity with a context of " +
                                std::to_string(ctx) + " (the text has " +
                                std::to_string(tokens.size()) + ")");
}

// Running sums of the scored tokens' NLLs.
struct NllSum {
  double nll = 0, nll2 = 0;
  int64_t n = 0;
  void add(double v) {
    nll += v;
    nll2 += v * v;
    ++n;
  }
  double ppl() const { return std::exp(nll / static_cast<double>(n)); }
  void finish(PerplexityResult& r) const {
    const double count = static_cast<double>(n);
    const double mean = nll / count;
    const double var = nll2 / count - mean * mean;
    r.n_scored = n;
    r.ppl = std::exp(mean);
    r.uncertainty = count > 1 ? r.ppl * std::sqrt(std::max(0.0, var) / (count - 1)) : 0.0;
  }
};

}  // namespace

PerplexityResult perplexity_bounded(Transformer& tf, std::span<const TokenId> tokens, int32_t ctx,
                                    const KvBudget& budget, bool truncate,
                                    const std::function<void(int64_t, double)>& on_chunk,
                                    model::GgmlType kv_type) {
  check_text(tokens, ctx);
  budget.validate();
  if (!budget.enabled() || budget.tokens >= ctx)
    throw std::invalid_argument("a bounded perplexity needs a budget below the context");
  const auto& tok = tf.model().tokenizer();
  const int64_t n_vocab = tf.model().config().n_vocab;
  const int32_t first = ctx / 2, B = budget.tokens;
  PerplexityResult r;
  r.n_chunks = static_cast<int64_t>(tokens.size()) / ctx;
  NllSum sum;
  // truncate: windows evaluated side by side as sequences of one batch.
  constexpr int32_t kLanes = 16;
  KvCache cache = truncate ? tf.make_cache(B, kLanes, kv_type)
                           : tf.make_cache(ctx, 1, kv_type, KvBudget(budget));
  for (int64_t i = 0; i < r.n_chunks; ++i) {
    std::vector<TokenId> chunk(tokens.begin() + i * ctx, tokens.begin() + (i + 1) * ctx);
    if (tok.adds_bos()) chunk[0] = tok.bos();  // llama.cpp's perplexity does the same
    auto next = [&](int32_t p) { return tokens[static_cast<size_t>(i * ctx + p + 1)]; };
    if (truncate) {
      for (int32_t p0 = first; p0 < ctx - 1; p0 += kLanes) {
        Batch b;
        const int32_t lanes = std::min(kLanes, ctx - 1 - p0);
        for (int32_t lane = 0; lane < lanes; ++lane) {
          const int32_t p = p0 + lane, start = std::max(0, p - B + 1);
          cache.clear(lane);
          for (int32_t q = start; q <= p; ++q) {
            const TokenId t =
                q == start && tok.adds_bos() ? tok.bos() : chunk[static_cast<size_t>(q)];
            b.add(t, q - start, lane, q == p);
          }
        }
        const auto logits = tf.forward(b, cache);
        for (int32_t lane = 0; lane < lanes; ++lane)
          sum.add(token_nll(logits.subspan(static_cast<size_t>(lane) * n_vocab, n_vocab),
                            next(p0 + lane)));
      }
    } else {
      cache.clear(0);
      Batch b = Batch::sequence(std::span(chunk).first(static_cast<size_t>(B)), 0, 0, true);
      auto logits = tf.forward(b, cache);
      for (int32_t p = first; p < B && p < ctx - 1; ++p)
        sum.add(token_nll(logits.subspan(static_cast<size_t>(p) * n_vocab, n_vocab), next(p)));
      for (int32_t p = B; p < ctx - 1; ++p) {
        Batch one;
        one.add(chunk[static_cast<size_t>(p)], p, 0, true);
        logits = tf.forward(one, cache);
        if (p >= first) sum.add(token_nll(logits, next(p)));
      }
    }
    r.running_ppl.push_back(sum.ppl());
    if (on_chunk) on_chunk(i, r.running_ppl.back());
  }
  sum.finish(r);
  return r;
}

PerplexityResult perplexity(Transformer& tf, std::span<const TokenId> tokens, int32_t ctx,
                            const std::function<void(int64_t, double)>& on_chunk,
                            model::GgmlType kv_type) {
  check_text(tokens, ctx);
  const auto& tok = tf.model().tokenizer();
  const int64_t n_vocab = tf.model().config().n_vocab;
  PerplexityResult r;
  r.n_chunks = static_cast<int64_t>(tokens.size()) / ctx;
  const int32_t first = ctx / 2;
  NllSum sum;
  KvCache cache = tf.make_cache(ctx, 1, kv_type);
  for (int64_t i = 0; i < r.n_chunks; ++i) {
    std::vector<TokenId> chunk(tokens.begin() + i * ctx, tokens.begin() + (i + 1) * ctx);
    if (tok.adds_bos()) chunk[0] = tok.bos();  // llama.cpp's perplexity does the same
    cache.clear(0);
    Batch b;
    for (int32_t p = 0; p < ctx; ++p)
      b.add(chunk[static_cast<size_t>(p)], p, 0, p >= first && p < ctx - 1);
    const auto logits = tf.forward(b, cache);
    for (int32_t p = first; p < ctx - 1; ++p) {
      const auto row = logits.subspan(static_cast<size_t>(p - first) * n_vocab, n_vocab);
      sum.add(token_nll(row, tokens[static_cast<size_t>(i * ctx + p + 1)]));
    }
    r.running_ppl.push_back(sum.ppl());
    if (on_chunk) on_chunk(i, r.running_ppl.back());
  }
  sum.finish(r);
  return r;
}

}  // namespace tandem::engine
