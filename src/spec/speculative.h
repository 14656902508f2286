// The speculative generation loop: draft K tokens, verify them in one target pass, commit
// the accepted prefix plus the correction/bonus token, adapt K; with statistics.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "spec/adaptive.h"
#include "spec/drafter.h"
#include "spec/verifier.h"
#include "tokenizer/tokenizer.h"

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

// The loop one pass at a time, for callers that stop on their own terms (end-of-turn tokens,
// stop strings) and ship the tokens of each pass as soon as it is verified (streaming).
class SpeculativeDecoder {
 public:
  // Throws std::invalid_argument for an empty prompt or one that does not fit n_ctx.
  SpeculativeDecoder(Drafter& drafter, Verifier& verifier, std::span<const TokenId> prompt,
                     int32_t n_ctx, const SpecOptions& opts);

  // One draft + one verification: the accepted drafted tokens plus the target's own token,
  // at most max_new of them (none when max_new <= 0 or the context is full). The caller
  // must not call again after a token it treats as the end.
  std::vector<TokenId> step(int64_t max_new);
  // True once the committed tokens exceed the target's context (its n_ctx evaluated
  // positions + the last): the verifier's when it tells it, else n_ctx. The draft's own
  // context (n_ctx) only stops drafting: past it the target goes on with empty drafts.
  bool context_full() const { return committed_.size() > static_cast<size_t>(target_ctx()); }
  // drafted / accepted / passes so far (n_generated and seconds are the caller's).
  const SpecStats& stats() const { return st_; }
  const std::vector<TokenId>& committed() const { return committed_; }

 private:
  int32_t target_ctx() const { return verifier_.n_ctx() > 0 ? verifier_.n_ctx() : n_ctx_; }

  Drafter& drafter_;
  Verifier& verifier_;
  int32_t n_ctx_;  // the draft's
  SpecOptions opts_;
  AdaptiveDraftLength k_;
  SpecStats st_;
  int64_t passes0_;
  std::vector<TokenId> committed_;
  size_t sent_ = 0;  // committed_[0, sent_) are known to the verifier
};

// Generates up to max_tokens after `prompt`; on_token as in engine::generate (end-of-
// generation tokens end the loop and are not passed on). n_ctx bounds prompt + output.
SpecStats speculative_generate(Drafter& drafter, Verifier& verifier,
                               const tokenizer::Tokenizer& tokenizer,
                               std::span<const TokenId> prompt, int64_t max_tokens, int32_t n_ctx,
                               const SpecOptions& opts,
                               const std::function<bool(TokenId)>& on_token);

}  // namespace tandem::spec
