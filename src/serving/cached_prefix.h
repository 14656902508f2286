// What a slot's KV cache holds after its sequence ended: the tokens at positions 0..n-1 and,
// where the forward computed them, each token's NLL given the ones before it. A new request
// whose prompt starts with these tokens reuses their KV and prefills only the rest (the
// slot-level prefix cache, as llama-server's slot reuse); the NLLs let a scored prompt (the
// Dispatcher's routing perplexity) reuse them too and still get every token's NLL.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace tandem::serving {

using tokenizer::TokenId;

class CachedPrefix {
 public:
  // Positions of `prompt` whose KV can be reused. Never the whole prompt (its last token is
  // evaluated again for the logits that start the answer). need_scores: the reused tokens'
  // NLLs must all be known, and the token after them must be evaluated from the row before it,
  // so one fewer position is reused. need_logprobs: full prompt distributions are not kept,
  // so nothing is reused.
  int32_t reusable(std::span<const TokenId> prompt, bool need_scores, bool need_logprobs) const;

  // Keeps positions 0..n-1 for `prompt` (which starts with them): their NLLs, and the NLL of
  // position n when the cached token there is prompt[n] (its row, at n - 1, is not evaluated
  // again, so a scored prompt takes it from here).
  void reuse_for(std::span<const TokenId> prompt, int32_t n);
  void clear();
  // Sum of the NLLs of tokens 1..n (all known when reusable(...) returned >= n with scores).
  double nll_sum(int32_t n) const;

  // A token evaluated at the next position.
  void append(TokenId t) { tokens_.push_back(t); }
  // The NLL of the token at position pos (known from the row of position pos - 1).
  void set_nll(int32_t pos, double nll);

  int32_t size() const { return static_cast<int32_t>(tokens_.size()); }
  const std::vector<TokenId>& tokens() const { return tokens_; }
  const std::vector<double>& nll() const { return nll_; }
  // What a saved state (the prompt cache) holds, in place of this slot's own.
  void assign(std::vector<TokenId> tokens, std::vector<double> nll);

 private:
  std::vector<TokenId> tokens_;
  std::vector<double> nll_;  // NaN: not computed; may run one ahead of tokens_ (set before
                             // the token is appended, from the previous row)
};

}  // namespace tandem::serving
