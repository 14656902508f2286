// Each prompt token's surprisal under a model, -log p(token | BOS, the tokens before it), from
// one prefill with all logits per window of the cache's context.
#pragma once

#include <span>
#include <vector>

#include "engine/kv_cache.h"
#include "engine/transformer.h"

namespace tandem::compress {

// tokens: the prompt without BOS. Sequence `seq` of `cache` is cleared and used; a prompt
// longer than the context is scored in windows of n_ctx - 1 tokens, each after its own BOS.
std::vector<float> token_surprisal(engine::Transformer& tf, engine::KvCache& cache,
                                   std::span<const tokenizer::TokenId> tokens,
                                   tokenizer::TokenId bos, int32_t seq = 0);

}  // namespace tandem::compress
