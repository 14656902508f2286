// Acceptance rules of speculative decoding: which drafted tokens the target keeps, and the
// token it adds after them (the correction at the first rejection, or a bonus token).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engine/sampler.h"

namespace tandem::spec {

using engine::TokenProb;
using tokenizer::TokenId;
// A (possibly sparse) distribution over token ids; tokens not listed have probability 0.
using Dist = std::vector<TokenProb>;

// Probability of `id` in `d` (0 when not listed).
double prob_of(const Dist& d, TokenId id);
// The most likely token (ties -> lowest id). Throws std::invalid_argument for an empty d.
TokenId argmax(const Dist& d);
// Inverse-CDF draw from d (need not be normalized) with u in [0, 1).
TokenId draw(const Dist& d, double u);

struct StepDecision {
  bool accepted = false;
  TokenId token = -1;  // the drafted token when accepted, else the correction
};

// Greedy: accept while the draft equals the target's argmax; the correction is the argmax.
StepDecision greedy_step(const Dist& p, TokenId drafted);

// Lossless speculative sampling (Leviathan et al. 2023, Chen et al. 2023): accept `drafted`
// with probability min(1, p(x)/q(x)); otherwise sample from normalize(max(0, p - q)).
// `uniform` is called once for the accept test and once more for a residual draw.
StepDecision sampling_step(const Dist& p, const Dist& q, TokenId drafted,
                           const std::function<double()>& uniform);

// The residual distribution normalize(max(0, p - q)); p itself when p <= q everywhere.
Dist residual(const Dist& p, const Dist& q);

}  // namespace tandem::spec
