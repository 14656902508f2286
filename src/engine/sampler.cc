#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

namespace tandem::engine {
namespace {

[[noreturn]] void bad_param(std::string_view field, std::string_view rule, double value) {
  throw std::invalid_argument(fmt::format("SamplerParams.{} {}, got {}", field, rule, value));
}

}  // namespace

void validate(const SamplerParams& p) {
  if (std::isnan(p.temperature)) bad_param("temperature", "must not be NaN", p.temperature);
  // Written as !(in range) so NaN fails too.
  if (!(p.top_p > 0.0f && p.top_p <= 1.0f)) bad_param("top_p", "must be in (0, 1]", p.top_p);
  if (std::isnan(p.min_p) || p.min_p > 1.0f) bad_param("min_p", "must be <= 1", p.min_p);
  if (!(p.repeat_penalty > 0.0f) || std::isinf(p.repeat_penalty)) {
    bad_param("repeat_penalty", "must be finite and > 0", p.repeat_penalty);
  }
  if (p.repeat_last_n < -1) bad_param("repeat_last_n", "must be >= -1", p.repeat_last_n);
  if (!std::isfinite(p.presence_penalty)) {
    bad_param("presence_penalty", "must be finite", p.presence_penalty);
  }
  if (!std::isfinite(p.frequency_penalty)) {
    bad_param("frequency_penalty", "must be finite", p.frequency_penalty);
  }
}

Sampler::Sampler(SamplerParams params, int32_t n_vocab)
    : params_(params), n_vocab_(n_vocab), rng_(params.seed) {
  validate(params_);
  if (n_vocab_ <= 0) {
    throw std::invalid_argument(fmt::format("Sampler: n_vocab must be > 0, got {}", n_vocab_));
  }
}

bool Sampler::penalties_active() const {
  return params_.repeat_last_n != 0 &&
         (params_.repeat_penalty != 1.0f || params_.presence_penalty != 0.0f ||
          params_.frequency_penalty != 0.0f);
}

std::vector<Sampler::Candidate> Sampler::penalized_candidates(std::span<const float> logits) const {
  if (logits.size() != static_cast<size_t>(n_vocab_)) {
    throw std::invalid_argument(
        fmt::format("Sampler: got {} logits for a vocab of {}", logits.size(), n_vocab_));
  }
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  constexpr float kMax = std::numeric_limits<float>::max();
  std::vector<Candidate> cands(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    float l = logits[i];
    // NaN would poison every comparison; +inf would make exp(l - max) NaN.
    if (std::isnan(l)) l = kNegInf;
    if (l == std::numeric_limits<float>::infinity()) l = kMax;
    cands[i] = {static_cast<TokenId>(i), l};
  }
  if (penalties_active()) {
    for (const auto& [id, count] : counts_) {
      float& l = cands[static_cast<size_t>(id)].logit;
      if (l == kNegInf) continue;
      l = l > 0.0f ? l / params_.repeat_penalty : l * params_.repeat_penalty;
      l -= static_cast<float>(count) * params_.frequency_penalty + params_.presence_penalty;
    }
  }
  // -inf tokens have probability 0 under any chain; dropping them early shrinks the sorts.
  std::erase_if(cands, [](const Candidate& c) { return c.logit == kNegInf; });
  if (cands.empty()) throw std::invalid_argument("Sampler: no finite logits");
  return cands;
}

std::vector<TokenProb> Sampler::distribution(std::span<const float> logits) const {
  std::vector<Candidate> cands = penalized_candidates(logits);
  // Descending logit, ties -> lowest id, so top_k = 1 agrees with greedy.
  const auto before = [](const Candidate& a, const Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
  };

  if (params_.temperature <= 0.0f) {
    const Candidate best = *std::min_element(cands.begin(), cands.end(), before);
    return {{best.id, 1.0f}};
  }

  bool sorted = false;
  const auto k = static_cast<size_t>(std::max(params_.top_k, 0));
  if (k > 0 && k < cands.size()) {
    std::partial_sort(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(k), cands.end(),
                      before);
    cands.resize(k);
    sorted = true;
  }
  const float max_logit =
      sorted ? cands.front().logit : std::min_element(cands.begin(), cands.end(), before)->logit;

  // top_p measures mass at temperature 1 over the post-top-k set (llama.cpp order), so take
  // the normalizer before min_p removes anything.
  const bool use_top_p = params_.top_p < 1.0f;
  double z = 0.0;
  if (use_top_p) {
    for (const Candidate& c : cands) z += std::exp(static_cast<double>(c.logit - max_logit));
  }

  // min_p and top_p each keep a prefix of the sorted order, so min_p commutes with top_p;
  // running it first is O(n) and usually leaves only a handful of tokens to sort.
  // p / p_max = exp(l - max) >= min_p  <=>  l >= max + log(min_p).
  if (params_.min_p > 0.0f) {
    const float threshold = max_logit + std::log(params_.min_p);
    std::erase_if(cands, [&](const Candidate& c) { return c.logit < threshold; });
  }
  if (!sorted) std::sort(cands.begin(), cands.end(), before);

  if (use_top_p) {
    double cum = 0.0;
    for (size_t i = 0; i < cands.size(); ++i) {
      cum += std::exp(static_cast<double>(cands[i].logit - max_logit)) / z;
      if (cum >= params_.top_p) {
        cands.resize(i + 1);
        break;
      }
    }
  }

  const double inv_t = 1.0 / static_cast<double>(params_.temperature);
  std::vector<double> w(cands.size());
  double sum = 0.0;
  for (size_t i = 0; i < cands.size(); ++i) {
    w[i] = std::exp((static_cast<double>(cands[i].logit) - max_logit) * inv_t);
    sum += w[i];
  }
  std::vector<TokenProb> out;
  out.reserve(cands.size());
  for (size_t i = 0; i < cands.size(); ++i) {
    const auto p = static_cast<float>(w[i] / sum);
    if (p == 0.0f) break;  // sorted, so everything after underflows too
    out.push_back({cands[i].id, p});
  }
  return out;
}

TokenId Sampler::sample(std::span<const float> logits) {
  const std::vector<TokenProb> dist = distribution(logits);
  const double u = next_uniform();
  double cum = 0.0;
  for (const TokenProb& tp : dist) {
    cum += tp.p;
    if (u < cum) return tp.id;
  }
  return dist.back().id;  // rounding left cum slightly below 1
}

void Sampler::accept(TokenId id) {
  if (id < 0 || id >= n_vocab_) {
    throw std::out_of_range(
        fmt::format("Sampler::accept: token {} outside vocab of {}", id, n_vocab_));
  }
  if (params_.repeat_last_n == 0) return;
  ++counts_[id];
  if (params_.repeat_last_n < 0) return;  // unbounded window: counts alone suffice
  window_.push_back(id);
  if (window_.size() > static_cast<size_t>(params_.repeat_last_n)) {
    const TokenId old = window_.front();
    window_.pop_front();
    if (--counts_[old] == 0) counts_.erase(old);
  }
}

void Sampler::reset() {
  window_.clear();
  counts_.clear();
  rng_.seed(params_.seed);
}

double Sampler::next_uniform() {
  // Top 53 bits -> exact double in [0,1); independent of the library's distributions.
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

}  // namespace tandem::engine
