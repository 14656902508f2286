// The speculative generation loop: draft K tokens, verify them in one target pass, commit
// the accepted prefix plus the correction/bonus token, adapt K; with statistics.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "engine/tokenizer.h"
#include "spec/adaptive.h"
#include "spec/drafter.h"
#include "spec/verifier.h"

namespace tandem::spec {

struct SpecOptions {
  int32_t draft_max = 8;  // K at most
  int32_t draft_min = 0;  // tokens drafted before --draft-p-min may stop the draft
  float draft_p_min = 0.0f;
  bool adaptive = true;          // false: always draft_max
  bool send_draft_probs = true;  // pass q to the verifier (needed for lossless sampling)
};

struct SpecStats {
  int64_t n_prompt = 0;
  int64_t n_generated = 0;
  int64_t drafted = 0;
  int64_t accepted = 0;
  int64_t target_passes = 0;
  int64_t draft_passes = 0;
  double seconds = 0;
  bool hit_eog = false;
  bool context_full = false;

  double acceptance_rate() const { return drafted ? double(accepted) / double(drafted) : 0.0; }
  // Drafted tokens accepted per target pass.
  double mean_accepted_length() const {
    return target_passes ? double(accepted) / double(target_passes) : 0.0;
  }
  double passes_per_token() const {
    return n_generated ? double(target_passes) / double(n_generated) : 0.0;
  }
};

// Generates up to max_tokens after `prompt`; on_token as in engine::generate (end-of-
// generation tokens end the loop and are not passed on). n_ctx bounds prompt + output.
SpecStats speculative_generate(Drafter& drafter, Verifier& verifier,
                               const engine::Tokenizer& tokenizer, std::span<const TokenId> prompt,
                               int64_t max_tokens, int32_t n_ctx, const SpecOptions& opts,
                               const std::function<bool(TokenId)>& on_token);

}  // namespace tandem::spec
