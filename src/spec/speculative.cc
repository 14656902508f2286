#include "spec/speculative.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace tandem::spec {

SpecStats speculative_generate(Drafter& drafter, Verifier& verifier,
                               const engine::Tokenizer& tokenizer, std::span<const TokenId> prompt,
                               int64_t max_tokens, int32_t n_ctx, const SpecOptions& opts,
                               const std::function<bool(TokenId)>& on_token) {
  if (prompt.empty()) throw std::invalid_argument("cannot generate from an empty prompt");
  if (static_cast<int64_t>(prompt.size()) >= n_ctx)
    throw std::invalid_argument("prompt of " + std::to_string(prompt.size()) +
                                " tokens does not fit the context of " + std::to_string(n_ctx));
  AdaptiveDraftLength k(std::min(opts.draft_min, opts.draft_max), opts.draft_max);
  SpecStats st;
  st.n_prompt = static_cast<int64_t>(prompt.size());
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t passes0 = drafter.passes();

  std::vector<TokenId> committed(prompt.begin(), prompt.end());
  size_t sent = 0;  // committed[0, sent) are known to the verifier
  bool done = max_tokens <= 0;
  while (!done) {
    const int64_t ctx_room = int64_t{n_ctx} - static_cast<int64_t>(committed.size());
    if (ctx_room <= 0) {
      st.context_full = true;
      break;
    }
    // The pass yields accepted + 1 tokens: don't draft past max_tokens or the context.
    const int64_t want = std::min<int64_t>({opts.adaptive ? k.current() : opts.draft_max,
                                            max_tokens - st.n_generated - 1, ctx_room - 1});
    const int32_t kk = static_cast<int32_t>(std::max<int64_t>(0, want));
    Draft d = kk > 0 ? drafter.draft(committed, kk, std::min(opts.draft_min, kk), opts.draft_p_min)
                     : Draft{};
    const std::span<const TokenId> append(committed.data() + sent, committed.size() - sent);
    const VerifyOutcome v = verifier.verify(
        append, d.tokens,
        opts.send_draft_probs ? std::span<const Dist>(d.dists) : std::span<const Dist>());
    ++st.target_passes;
    st.drafted += static_cast<int64_t>(d.tokens.size());
    st.accepted += v.n_accepted;
    k.update(static_cast<int32_t>(d.tokens.size()), v.n_accepted);

    sent = committed.size() + static_cast<size_t>(v.n_accepted);
    std::vector<TokenId> fresh(d.tokens.begin(), d.tokens.begin() + v.n_accepted);
    fresh.push_back(v.token);
    for (TokenId t : fresh) {
      if (tokenizer.is_eog(t)) {
        st.hit_eog = true;
        done = true;
        break;
      }
      committed.push_back(t);
      ++st.n_generated;
      if (!on_token(t) || st.n_generated >= max_tokens) {
        done = true;
        break;
      }
    }
  }
  st.draft_passes = drafter.passes() - passes0;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace tandem::spec
