// The log-probability of a generated or prompt token as OpenAI reports it: log-softmax of the
// raw logits (the model's own distribution, before any grammar mask), plus the most likely
// alternatives. The Scheduler (Commander) and the Dispatcher's edge engine report the same.
#pragma once

#include <cstdint>
#include <span>

#include "serving/sequence.h"

namespace tandem::serving {

// n_top <= 0: no alternatives. Ties among alternatives go to the lower token id.
TokenLogprob token_logprob(std::span<const float> logits, tokenizer::TokenId id, int32_t n_top);

}  // namespace tandem::serving
