// Perplexity with llama.cpp's methodology, so figures compare with published ones.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engine/transformer.h"

namespace tandem::engine {

struct PerplexityResult {
  double ppl = 0;
  double uncertainty = 0;  // ppl * sqrt(var(nll) / (count - 1))
  int64_t n_scored = 0;
  int64_t n_chunks = 0;
  std::vector<double> running_ppl;  // after each chunk
};

// Negative log-likelihood of `next` under one row of logits (log-softmax, in double).
double token_nll(std::span<const float> logits, TokenId next);

// tokens: the whole text tokenized with BOS. Splits into n = tokens.size() / ctx chunks; in
// each, the first token is replaced by BOS and positions ctx/2 .. ctx-2 predict the next
// token. Throws std::invalid_argument if there are fewer than 2*ctx tokens.
// on_chunk(i, running_ppl) is called after each chunk (progress output).
PerplexityResult perplexity(Transformer& tf, std::span<const TokenId> tokens, int32_t ctx,
                            const std::function<void(int64_t, double)>& on_chunk = {},
                            model::GgmlType kv_type = model::GgmlType::F16);

// The same chunks and scored positions when a token may see at most budget.tokens earlier
// entries, as in decoding on a bounded cache: the chunk's first budget.tokens are prefilled,
// the rest evaluated one per forward, evicting by budget.policy. truncate: the baseline of
// cutting the text instead, each scored token predicted from only its last budget.tokens
// tokens (the first of them BOS), prefilled afresh.
PerplexityResult perplexity_bounded(Transformer& tf, std::span<const TokenId> tokens, int32_t ctx,
                                    const KvBudget& budget, bool truncate,
                                    const std::function<void(int64_t, double)>& on_chunk = {},
                                    model::GgmlType kv_type = model::GgmlType::F16);

}  // namespace tandem::engine
