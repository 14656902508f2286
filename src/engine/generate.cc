#include "engine/generate.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace tandem::engine {
namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

GenerationStats generate(Transformer& tf, KvCache& cache, std::span<const TokenId> prompt,
                         Sampler& sampler, int64_t max_tokens,
                         const std::function<bool(TokenId)>& on_token, int64_t prefill_chunk,
                         const std::function<void(int64_t, int64_t)>& on_prefill,
                         std::span<const float* const> prompt_rows) {
  if (!prompt_rows.empty() && prompt_rows.size() != prompt.size())
    throw std::invalid_argument("prompt rows and prompt tokens differ in number");
  if (prompt.empty()) throw std::invalid_argument("cannot generate from an empty prompt");
  if (static_cast<int64_t>(prompt.size()) >= cache.n_ctx())
    throw std::invalid_argument("prompt of " + std::to_string(prompt.size()) +
                                " tokens does not fit the context of " +
                                std::to_string(cache.n_ctx()));
  GenerationStats st;
  st.n_prompt = static_cast<int64_t>(prompt.size());
  cache.clear(0);
  for (TokenId t : prompt)
    if (t >= 0) sampler.accept(t);  // media placeholders are no tokens

  auto t0 = std::chrono::steady_clock::now();
  size_t chunk = prefill_chunk > 0 ? static_cast<size_t>(prefill_chunk) : prompt.size();
  // A bounded cache takes one headroom of new entries per forward.
  if (cache.budget().enabled())
    chunk = std::min(chunk, static_cast<size_t>(cache.budget().headroom));
  std::span<const float> logits;
  for (size_t done = 0; done < prompt.size();) {
    const size_t n = std::min(chunk, prompt.size() - done);
    Batch b;
    for (size_t i = done; i < done + n; ++i) {
      const auto pos = static_cast<int32_t>(i);
      const bool last = i + 1 == prompt.size();
      if (!prompt_rows.empty() && prompt_rows[i])
        b.add_embedding(prompt_rows[i], prompt[i], pos, 0, last);
      else
        b.add(prompt[i], pos, 0, last);
    }
    logits = tf.forward(b, cache);
    done += n;
    if (on_prefill) on_prefill(static_cast<int64_t>(done), st.n_prompt);
  }
  st.prompt_seconds = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  int32_t pos = static_cast<int32_t>(prompt.size());
  const auto& tok = tf.model().tokenizer();
  while (st.n_generated < max_tokens) {
    const TokenId next = sampler.sample(logits);
    if (tok.is_eog(next)) {
      st.hit_eog = true;
      break;
    }
    sampler.accept(next);
    ++st.n_generated;
    if (!on_token(next)) break;
    if (pos >= cache.n_ctx() || st.n_generated >= max_tokens) break;
    Batch b;
    b.add(next, pos++, 0, true);
    logits = tf.forward(b, cache);
  }
  st.generate_seconds = seconds_since(t0);
  return st;
}

}  // namespace tandem::engine
