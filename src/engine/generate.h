// The decode loop: prefill a prompt in one batch, then sample one token per step.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "engine/sampler.h"
#include "engine/transformer.h"

namespace tandem::engine {

struct GenerationStats {
  int64_t n_prompt = 0;
  int64_t n_generated = 0;
  double prompt_seconds = 0;
  double generate_seconds = 0;
  bool hit_eog = false;
};

// Evaluates `prompt` (positions 0..n-1 of sequence 0 in `cache`, which is cleared first),
// then samples up to max_tokens tokens, calling on_token for each; stops early at an
// end-of-generation token (not passed to on_token), when on_token returns false, or when
// the context is full.
// prefill_chunk > 0: the prompt is evaluated in chunks of that many tokens, on_prefill(done,
// total) called after each (a progress bar on a long prompt); 0: one batch.
// prompt_rows: empty, or one entry per prompt token: an embedding row (image/audio features)
// fed in place of that entry's token (whose id is then a placeholder), or nullptr.
GenerationStats generate(Transformer& tf, KvCache& cache, std::span<const TokenId> prompt,
                         Sampler& sampler, int64_t max_tokens,
                         const std::function<bool(TokenId)>& on_token, int64_t prefill_chunk = 0,
                         const std::function<void(int64_t, int64_t)>& on_prefill = {},
                         std::span<const float* const> prompt_rows = {});

}  // namespace tandem::engine
