#include "spec/drafter.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tandem::spec {
namespace {

// Largest softmax probability of raw logits.
double top_probability(std::span<const float> logits) {
  float mx = -INFINITY;
  for (float v : logits)
    if (std::isfinite(v)) mx = std::max(mx, v);
  double sum = 0;
  for (float v : logits)
    if (std::isfinite(v)) sum += std::exp(static_cast<double>(v) - mx);
  return sum > 0 ? 1.0 / sum : 0.0;
}

bool penalties_active(const engine::SamplerParams& p) {
  return p.repeat_penalty != 1.0f || p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f;
}

}  // namespace

Drafter::Drafter(const engine::Model& model, int n_threads, engine::SamplerParams params,
                 int32_t n_ctx, model::GgmlType kv_type)
    : tf_(model, n_threads),
      cache_(tf_.make_cache(n_ctx, 1, kv_type)),
      params_(params),
      rng_(params.seed ^ 0x9E3779B97F4A7C15ull) {
  engine::validate(params_);
}

void Drafter::set_sampling(const engine::SamplerParams& params) {
  engine::validate(params);
  params_ = params;
  rng_.seed(params.seed ^ 0x9E3779B97F4A7C15ull);
}

Draft Drafter::draft(std::span<const TokenId> context, int32_t max_len, int32_t min_len,
                     float p_min) {
  Draft out;
  if (context.empty()) throw std::invalid_argument("cannot draft from an empty context");
  max_len = std::min<int32_t>(max_len, cache_.n_ctx() - static_cast<int32_t>(context.size()));
  if (max_len <= 0) return out;

  // Keep the KV of the common prefix, but re-evaluate at least the last context token.
  size_t common = 0;
  while (common < cached_.size() && common < context.size() && cached_[common] == context[common])
    ++common;
  common = std::min(common, context.size() - 1);
  cached_.resize(common);
  cache_.truncate(0, static_cast<int32_t>(common));

  // Penalties look at the history: rebuild it from the context (drafts are appended below).
  engine::Sampler sampler(params_, static_cast<int32_t>(tf_.model().config().n_vocab));
  if (penalties_active(params_))
    for (TokenId t : context) sampler.accept(t);

  engine::Batch batch =
      engine::Batch::sequence(context.subspan(common), static_cast<int32_t>(common), 0, false);
  cached_.insert(cached_.end(), context.begin() + static_cast<std::ptrdiff_t>(common),
                 context.end());
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  for (int32_t i = 0; i < max_len; ++i) {
    auto logits = tf_.forward(batch, cache_);
    ++passes_;
    if (i >= min_len && p_min > 0 && top_probability(logits) < p_min) break;
    Dist q = sampler.distribution(logits);
    const TokenId t = params_.temperature <= 0 ? argmax(q) : draw(q, unif(rng_));
    out.tokens.push_back(t);
    out.dists.push_back(std::move(q));
    sampler.accept(t);
    if (i + 1 == max_len) break;  // the last draft needs no evaluation here
    batch.clear();
    batch.add(t, static_cast<int32_t>(cached_.size()), 0, true);
    cached_.push_back(t);
  }
  return out;
}

void check_same_vocab(const engine::Model& target, const engine::Model& draft) {
  const auto& a = target.tokenizer().vocab().tokens;
  const auto& b = draft.tokenizer().vocab().tokens;
  if (a.size() != b.size())
    throw std::invalid_argument("the draft model's vocabulary has " + std::to_string(b.size()) +
                                " tokens, the target's " + std::to_string(a.size()) +
                                ": speculative decoding needs the same tokenizer");
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      throw std::invalid_argument("token " + std::to_string(i) + " differs between the target ('" +
                                  a[i] + "') and the draft ('" + b[i] +
                                  "'): speculative decoding needs the same tokenizer");
}

}  // namespace tandem::spec
