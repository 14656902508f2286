#include "router/prompt_perplexity.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/perplexity.h"

namespace tandem::router {

PromptPerplexity prompt_perplexity_from_logits(std::span<const float> logits, int64_t n_vocab,
                                               std::span<const tokenizer::TokenId> tokens) {
  if (tokens.size() < 2)
    throw std::invalid_argument("prompt perplexity needs at least 2 tokens, got " +
                                std::to_string(tokens.size()));
  const auto v = static_cast<size_t>(n_vocab);
  if (logits.size() != tokens.size() * v)
    throw std::invalid_argument("prompt perplexity: expected " + std::to_string(tokens.size()) +
                                " logit rows of " + std::to_string(v) + ", got " +
                                std::to_string(logits.size()) + " floats");
  double nll = 0;
  for (size_t i = 1; i < tokens.size(); ++i)
    nll += engine::token_nll(logits.subspan((i - 1) * v, v), tokens[i]);
  PromptPerplexity r;
  r.n_scored = static_cast<int64_t>(tokens.size() - 1);
  r.mean_nll = nll / static_cast<double>(r.n_scored);
  r.ppl = std::exp(r.mean_nll);
  return r;
}

PromptPerplexity prompt_perplexity(engine::Transformer& tf, engine::KvCache& cache,
                                   std::span<const tokenizer::TokenId> tokens, int32_t seq) {
  if (tokens.size() < 2)
    throw std::invalid_argument("prompt perplexity needs at least 2 tokens, got " +
                                std::to_string(tokens.size()));
  const auto logits =
      tf.forward(engine::Batch::sequence(tokens, 0, seq, /*all_logits=*/true), cache);
  return prompt_perplexity_from_logits(logits, tf.model().config().n_vocab, tokens);
}

}  // namespace tandem::router
