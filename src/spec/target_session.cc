#include "spec/target_session.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tandem::spec {

TargetSession::TargetSession(const engine::Model& model, engine::SamplerParams params,
                             int32_t max_ctx, model::GgmlType kv_type)
    : model_(model),
      max_ctx_(max_ctx),
      kv_type_(kv_type),
      sampler_(params, static_cast<int32_t>(model.config().n_vocab)) {
  if (max_ctx < 2) throw std::invalid_argument("a verify session needs a context of >= 2");
}

void TargetSession::ensure_capacity(int32_t n) {
  if (cache_ && cache_->n_ctx() >= n) return;
  // Grow geometrically; a new cache is refilled by the next forward from position 0.
  int32_t cap = cache_ ? cache_->n_ctx() : 256;
  while (cap < n) cap *= 2;
  cap = std::min(cap, max_ctx_);
  cache_ = std::make_unique<engine::KvCache>(model_.config(), cap, 1, kv_type_);
  n_cached_ = 0;
}

VerifyOutcome TargetSession::verify(engine::Transformer& tf, std::span<const TokenId> append,
                                    std::span<const TokenId> draft,
                                    std::span<const Dist> draft_dists) {
  const int32_t n_vocab = static_cast<int32_t>(model_.config().n_vocab);
  for (auto span : {append, draft})
    for (TokenId t : span)
      if (t < 0 || t >= n_vocab)
        throw std::invalid_argument("token " + std::to_string(t) +
                                    " is outside the vocabulary of " + std::to_string(n_vocab));
  const bool greedy = sampler_.params().temperature <= 0;
  if (!greedy && !draft_dists.empty() && draft_dists.size() != draft.size())
    throw std::invalid_argument("draft_probs has " + std::to_string(draft_dists.size()) +
                                " entries for " + std::to_string(draft.size()) + " drafted tokens");
  const size_t total = tokens_.size() + append.size();
  if (total == 0) throw std::invalid_argument("nothing to verify: the context is empty");
  if (total + draft.size() > static_cast<size_t>(max_ctx_))
    throw std::invalid_argument("context of " + std::to_string(total) + " + " +
                                std::to_string(draft.size()) + " drafted tokens exceeds " +
                                std::to_string(max_ctx_));

  for (TokenId t : append) {
    tokens_.push_back(t);
    sampler_.accept(t);
  }
  ensure_capacity(static_cast<int32_t>(tokens_.size() + draft.size()));
  // The last committed token must be evaluated to give the distribution of draft[0].
  const int32_t n = static_cast<int32_t>(tokens_.size());
  n_cached_ = std::min(n_cached_, n - 1);
  cache_->truncate(0, n_cached_);

  engine::Batch batch;
  for (int32_t pos = n_cached_; pos < n; ++pos)
    batch.add(tokens_[static_cast<size_t>(pos)], pos, 0, pos == n - 1);
  for (size_t i = 0; i < draft.size(); ++i)
    batch.add(draft[i], n + static_cast<int32_t>(i), 0, true);
  std::span<const float> logits;
  try {
    logits = tf.forward(batch, *cache_);
  } catch (...) {
    n_cached_ = 0;  // the cache may hold a partial pass: re-evaluate next time
    throw;
  }
  const size_t nv = static_cast<size_t>(n_vocab);
  auto uniform = [this] {
    ++n_uniform_;
    return sampler_.next_uniform();
  };

  VerifyOutcome out;
  for (size_t i = 0; i <= draft.size(); ++i) {
    const Dist p = sampler_.distribution(logits.subspan(i * nv, nv));
    if (i == draft.size()) {  // every drafted token accepted: the bonus token from p
      out.token = greedy ? argmax(p) : draw(p, uniform());
      break;
    }
    StepDecision d;
    if (greedy) {
      d = greedy_step(p, draft[i]);
    } else {
      const Dist point{{draft[i], 1.0f}};
      d = sampling_step(p, draft_dists.empty() ? point : draft_dists[i], draft[i], uniform);
    }
    if (!d.accepted) {
      out.token = d.token;
      break;
    }
    tokens_.push_back(draft[i]);
    sampler_.accept(draft[i]);
    ++out.n_accepted;
  }
  // Keep the KV of the committed tokens; forget the rejected drafts.
  n_cached_ = static_cast<int32_t>(tokens_.size());
  cache_->truncate(0, n_cached_);
  out.n_uniform = n_uniform_;
  return out;
}

}  // namespace tandem::spec
