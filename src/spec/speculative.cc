#include "spec/speculative.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace tandem::spec {

SpeculativeDecoder::SpeculativeDecoder(Drafter& drafter, Verifier& verifier,
                                       std::span<const TokenId> prompt, int32_t n_ctx,
                                       const SpecOptions& opts)
    : drafter_(drafter),
      verifier_(verifier),
      n_ctx_(n_ctx),
      opts_(opts),
      k_(std::min(opts.draft_min, opts.draft_max), opts.draft_max),
      passes0_(drafter.passes()),
      committed_(prompt.begin(), prompt.end()) {
  if (prompt.empty()) throw std::invalid_argument("cannot generate from an empty prompt");
  if (static_cast<int64_t>(prompt.size()) >= n_ctx)
    throw std::invalid_argument("prompt of " + std::to_string(prompt.size()) +
                                " tokens does not fit the context of " + std::to_string(n_ctx));
  st_.n_prompt = static_cast<int64_t>(prompt.size());
}

std::vector<TokenId> SpeculativeDecoder::step(int64_t max_new) {
  // Like engine::generate, the last committed token needs no KV entry: the context holds
  // n_ctx evaluated positions, and the committed tokens may reach n_ctx + 1.
  const auto n_committed = static_cast<int64_t>(committed_.size());
  const int64_t ctx_room = int64_t{target_ctx()} - n_committed;
  if (max_new <= 0 || ctx_room < 0) return {};
  // The pass yields accepted + 1 tokens: don't draft past max_new or either context.
  const int64_t want = std::min<int64_t>({opts_.adaptive ? k_.current() : opts_.draft_max,
                                          max_new - 1, ctx_room, int64_t{n_ctx_} - n_committed});
  const int32_t kk = static_cast<int32_t>(std::max<int64_t>(0, want));
  Draft d = kk > 0
                ? drafter_.draft(committed_, kk, std::min(opts_.draft_min, kk), opts_.draft_p_min)
                : Draft{};
  const std::span<const TokenId> append(committed_.data() + sent_, committed_.size() - sent_);
  const VerifyOutcome v = verifier_.verify(
      append, d.tokens,
      opts_.send_draft_probs ? std::span<const Dist>(d.dists) : std::span<const Dist>());
  ++st_.target_passes;
  st_.drafted += static_cast<int64_t>(d.tokens.size());
  st_.accepted += v.n_accepted;
  st_.draft_passes = drafter_.passes() - passes0_;
  k_.update(static_cast<int32_t>(d.tokens.size()), v.n_accepted);

  sent_ = committed_.size() + static_cast<size_t>(v.n_accepted);
  std::vector<TokenId> fresh(d.tokens.begin(), d.tokens.begin() + v.n_accepted);
  fresh.push_back(v.token);
  committed_.insert(committed_.end(), fresh.begin(), fresh.end());
  return fresh;
}

SpecStats speculative_generate(Drafter& drafter, Verifier& verifier,
                               const tokenizer::Tokenizer& tokenizer,
                               std::span<const TokenId> prompt, int64_t max_tokens, int32_t n_ctx,
                               const SpecOptions& opts,
                               const std::function<bool(TokenId)>& on_token) {
  const auto t0 = std::chrono::steady_clock::now();
  SpeculativeDecoder dec(drafter, verifier, prompt, n_ctx, opts);
  int64_t n_generated = 0;
  bool hit_eog = false, context_full = false;
  bool done = max_tokens <= 0;
  while (!done) {
    if (dec.context_full()) {
      context_full = true;
      break;
    }
    for (TokenId t : dec.step(max_tokens - n_generated)) {
      if (tokenizer.is_eog(t)) {
        hit_eog = done = true;
        break;
      }
      ++n_generated;
      if (!on_token(t) || n_generated >= max_tokens) {
        done = true;
        break;
      }
    }
  }
  SpecStats st = dec.stats();
  st.n_generated = n_generated;
  st.hit_eog = hit_eog;
  st.context_full = context_full;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace tandem::spec
