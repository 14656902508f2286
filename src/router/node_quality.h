// What one model (the edge or the cloud) would do with a prompt, measured directly on the
// engine: the teacher-forced log-likelihood of a true continuation (the quality of its
// answer), its greedy answer, and how sure it is of each next token (entropy, top-2 margin)
// over the prompt and over its first generated tokens (routing signals the edge gets from
// work it does anyway).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/kv_cache.h"
#include "engine/transformer.h"

namespace tandem::router {

// One next-token distribution: entropy (nats) and p(top1) - p(top2).
struct NextTokenStats {
  double entropy = 0;
  double margin = 0;
  tokenizer::TokenId argmax = 0;
};
NextTokenStats next_token_stats(std::span<const float> logits);

struct GreedyAnswer {
  std::vector<tokenizer::TokenId> tokens;  // stops early at an end-of-generation token
  std::vector<NextTokenStats> steps;       // the distribution each token was chosen from
};

class NodeScorer {
 public:
  // n_ctx: the longest prompt + continuation to score.
  NodeScorer(const engine::Model& model, int threads, int32_t n_ctx);

  // Mean log-likelihood per token of `continuation` after `prompt` (prompt starts with BOS):
  // one prefill of prompt + continuation. Throws std::invalid_argument when it does not fit.
  double continuation_loglik(std::span<const tokenizer::TokenId> prompt,
                             std::span<const tokenizer::TokenId> continuation);
  // Greedy decoding of up to n tokens after `prompt`.
  GreedyAnswer greedy(std::span<const tokenizer::TokenId> prompt, int n);
  // The distribution at every prompt position (position i predicts token i+1; the last one
  // the answer's first token), from one prefill.
  std::vector<NextTokenStats> prompt_stats(std::span<const tokenizer::TokenId> prompt);

  const engine::Model& model() const { return model_; }

 private:
  std::span<const float> prefill(std::span<const tokenizer::TokenId> tokens, bool all_logits);

  const engine::Model& model_;
  engine::Transformer tf_;
  engine::KvCache cache_;
};

// Mean entropy and mean margin of the first `first` entries (all when first < 0).
struct MeanStats {
  double entropy = 0;
  double margin = 0;
};
MeanStats mean_stats(std::span<const NextTokenStats> s, int first = -1);

}  // namespace tandem::router
