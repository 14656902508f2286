// The routing perplexity of a prompt, read off the logits of the prefill the edge runs anyway:
// PPL = exp(mean NLL of tokens 1..n-1 given their prefix).
#pragma once

#include <cstdint>
#include <span>

#include "engine/transformer.h"

namespace tandem::router {

struct PromptPerplexity {
  double ppl = 0;
  double mean_nll = 0;
  int64_t n_scored = 0;  // tokens.size() - 1
};

// logits: one row of n_vocab floats per token (a prefill with all_logits = true).
// Throws std::invalid_argument for fewer than 2 tokens or a logits size that does not match.
PromptPerplexity prompt_perplexity_from_logits(std::span<const float> logits, int64_t n_vocab,
                                               std::span<const tokenizer::TokenId> tokens);

// Runs ONE batched prefill of `tokens` (positions 0..n-1 of sequence `seq`, which must be
// empty in `cache`) with all logits, and scores it. The cache keeps the prompt, so decoding
// can continue from it when the request stays on the edge.
PromptPerplexity prompt_perplexity(engine::Transformer& tf, engine::KvCache& cache,
                                   std::span<const tokenizer::TokenId> tokens, int32_t seq = 0);

}  // namespace tandem::router
