#include "router/node_quality.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/batch.h"
#include "engine/perplexity.h"

namespace tandem::router {

NextTokenStats next_token_stats(std::span<const float> logits) {
  if (logits.empty()) throw std::invalid_argument("next-token stats of an empty row");
  double max_logit = -INFINITY;
  size_t best = 0;
  for (size_t i = 0; i < logits.size(); ++i)
    if (logits[i] > max_logit) {
      max_logit = logits[i];
      best = i;
    }
  double z = 0, second = -INFINITY;
  for (size_t i = 0; i < logits.size(); ++i) {
    z += std::exp(static_cast<double>(logits[i]) - max_logit);
    if (i != best) second = std::max(second, static_cast<double>(logits[i]));
  }
  NextTokenStats s;
  s.argmax = static_cast<tokenizer::TokenId>(best);
  // H = log z - sum p_i (l_i - max), with p_i = exp(l_i - max) / z.
  double weighted = 0;
  for (float l : logits) {
    const double d = static_cast<double>(l) - max_logit;
    weighted += std::exp(d) * d;
  }
  s.entropy = std::log(z) - weighted / z;
  s.margin = (1.0 - std::exp(second - max_logit)) / z;
  return s;
}

NodeScorer::NodeScorer(const engine::Model& model, int threads, int32_t n_ctx)
    : model_(model), tf_(model, threads), cache_(tf_.make_cache(n_ctx, 1, model::GgmlType::F32)) {}

std::span<const float> NodeScorer::prefill(std::span<const tokenizer::TokenId> tokens,
                                           bool all_logits) {
  if (tokens.empty()) throw std::invalid_argument("nothing to score");
  if (static_cast<int64_t>(tokens.size()) > cache_.n_ctx())
    throw std::invalid_argument(std::to_string(tokens.size()) + " tokens exceed the context of " +
                                std::to_string(cache_.n_ctx()));
  cache_.clear(0);
  return tf_.forward(engine::Batch::sequence(tokens, 0, 0, all_logits), cache_);
}

double NodeScorer::continuation_loglik(std::span<const tokenizer::TokenId> prompt,
                                       std::span<const tokenizer::TokenId> continuation) {
  if (prompt.empty() || continuation.empty())
    throw std::invalid_argument("continuation log-likelihood needs a prompt and a continuation");
  std::vector<tokenizer::TokenId> all(prompt.begin(), prompt.end());
  all.insert(all.end(), continuation.begin(), continuation.end());
  const auto logits = prefill(all, /*all_logits=*/true);
  const auto v = static_cast<size_t>(model_.config().n_vocab);
  double ll = 0;
  for (size_t i = prompt.size(); i < all.size(); ++i)
    ll -= engine::token_nll(logits.subspan((i - 1) * v, v), all[i]);
  return ll / static_cast<double>(continuation.size());
}

GreedyAnswer NodeScorer::greedy(std::span<const tokenizer::TokenId> prompt, int n) {
  GreedyAnswer a;
  auto logits = prefill(prompt, /*all_logits=*/false);
  auto pos = static_cast<int32_t>(prompt.size());
  const auto& tok = model_.tokenizer();
  for (int i = 0; i < n && pos < cache_.n_ctx(); ++i) {
    const auto s = next_token_stats(logits);
    a.steps.push_back(s);
    if (tok.is_eog(s.argmax)) break;
    a.tokens.push_back(s.argmax);
    const tokenizer::TokenId t = s.argmax;
    logits = tf_.forward(engine::Batch::sequence(std::span(&t, 1), pos++, 0, false), cache_);
  }
  return a;
}

std::vector<NextTokenStats> NodeScorer::prompt_stats(std::span<const tokenizer::TokenId> prompt) {
  const auto logits = prefill(prompt, /*all_logits=*/true);
  const auto v = static_cast<size_t>(model_.config().n_vocab);
  std::vector<NextTokenStats> out;
  for (size_t i = 0; i < prompt.size(); ++i)
    out.push_back(next_token_stats(logits.subspan(i * v, v)));
  return out;
}

MeanStats mean_stats(std::span<const NextTokenStats> s, int first) {
  const size_t n = first < 0 ? s.size() : std::min(s.size(), static_cast<size_t>(first));
  MeanStats m;
  if (n == 0) return m;
  for (size_t i = 0; i < n; ++i) {
    m.entropy += s[i].entropy;
    m.margin += s[i].margin;
  }
  m.entropy /= static_cast<double>(n);
  m.margin /= static_cast<double>(n);
  return m;
}

}  // namespace tandem::router
