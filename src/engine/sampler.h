// Turns logits into the next token: penalties, truncation (top-k / top-p / min-p), temperature,
// then a seeded draw. Follows llama.cpp's default sampler chain so outputs are comparable.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <unordered_map>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace tandem::engine {

// The engine speaks the tokenizer's ids.
using tokenizer::TokenId;

struct SamplerParams {
  float temperature = 0.8f;        // <= 0 means greedy (argmax; ties -> lowest id)
  int32_t top_k = 40;              // <= 0 disables
  float top_p = 0.95f;             // must be in (0, 1]; 1 disables
  float min_p = 0.05f;             // <= 0 disables; must be <= 1
  float repeat_penalty = 1.0f;     // 1 disables (llama.cpp: logit > 0 ? logit / p : logit * p)
  int32_t repeat_last_n = 64;      // window of recent tokens the penalties look at; 0 = none,
                                   // -1 = every accepted token
  float presence_penalty = 0.0f;   // OpenAI semantics, subtract per token present
  float frequency_penalty = 0.0f;  // OpenAI semantics, subtract count * f
  uint64_t seed = 0xFFFFFFFF;      // same seed -> same sequence (never "random")
};

// Throws std::invalid_argument naming the offending field.
void validate(const SamplerParams& params);

struct TokenProb {
  TokenId id;
  float p;
};

class Sampler {
 public:
  // Throws std::invalid_argument for bad params or n_vocab <= 0.
  Sampler(SamplerParams params, int32_t n_vocab);

  // Applies penalties (from accepted history), top-k, top-p, min-p and temperature in
  // llama.cpp's default order and returns the normalized candidate distribution sorted by
  // descending p (ties -> lowest id). Zero-probability candidates are dropped.
  // Greedy returns the single argmax with p = 1. NaN logits count as -inf.
  // Throws std::invalid_argument if logits.size() != n_vocab or no logit is finite.
  std::vector<TokenProb> distribution(std::span<const float> logits) const;

  // Draws from distribution(); consumes exactly one next_uniform(). Does not accept().
  TokenId sample(std::span<const float> logits);

  // Records id in the penalty history. Throws std::out_of_range for ids outside the vocab.
  void accept(TokenId id);

  // Clears history and re-seeds the RNG, so the sampler behaves as freshly constructed.
  void reset();

  const SamplerParams& params() const { return params_; }
  int32_t n_vocab() const { return n_vocab_; }

  // Deterministic uniform in [0,1) from the internal RNG (used by speculative sampling).
  double next_uniform();

 private:
  struct Candidate {
    TokenId id;
    float logit;
  };

  std::vector<Candidate> penalized_candidates(std::span<const float> logits) const;
  bool penalties_active() const;

  SamplerParams params_;
  int32_t n_vocab_;
  std::mt19937_64 rng_;
  std::deque<TokenId> window_;                   // last repeat_last_n accepted (if bounded)
  std::unordered_map<TokenId, int32_t> counts_;  // occurrences of each token in the window
};

}  // namespace tandem::engine
