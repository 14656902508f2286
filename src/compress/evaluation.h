// What prompt compression costs in answer quality: on (prompt, true continuation) pairs, the
// cloud model's mean log-likelihood per token of the continuation after BOS + the prompt as
// each method leaves it (teacher-forced, one prefill), next to the full prompt and baselines
// that keep the same number of tokens. The surprisal comes from the edge model.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compress/compressor.h"
#include "engine/model.h"

namespace tandem::compress {

struct EvalItem {
  std::string domain;
  std::vector<tokenizer::TokenId> prompt;  // without BOS
  std::vector<tokenizer::TokenId> continuation;
};

struct EvalOptions {
  double keep = 0.5;
  // The compressor's (and the random-words baseline's) tail rules.
  int keep_last_words = CompressOptions{}.keep_last_words;
  double tail_share = CompressOptions{}.tail_share;
  int seeds = 5;  // random baselines: seeds 1..seeds
  int threads = 1;
};

// The methods, in report order.
//   full                 the whole prompt
//   surprisal            compress(): highest mean surprisal per word first, last words kept
//   surprisal-cond       compress_conditioned(): surprisal given the kept text, per segment
//   surprisal-notail     compress() without the tail rules
//   random-words         the same word units, budget and tail rules, words in random order
//   random-words-notail  the same without the tail rules
//   random-tokens        a uniformly random subset of budget(n, keep) tokens
//   keep-last            the last budget(n, keep) tokens (truncation from the front)
std::vector<std::string> method_names();

struct MethodResult {
  std::string method;
  double mean_ll = 0;            // mean over items of the per-token continuation log-likelihood
  double sd_seeds = 0;           // random methods: sd of the per-seed means (0 otherwise)
  double kept_ratio = 0;         // kept prompt tokens / prompt tokens, over all items
  std::vector<double> per_item;  // random methods: each item's mean over seeds
};

struct DomainReport {
  std::string domain;  // "all" first, then each domain in order of first appearance
  size_t n_items = 0;
  std::vector<MethodResult> methods;  // method_names() order
  const MethodResult& method(const std::string& name) const;
};

// Throws std::invalid_argument for items that do not fit the models' contexts (512 tokens
// are used) or mismatched vocabularies.
std::vector<DomainReport> evaluate(const engine::Model& edge, const engine::Model& cloud,
                                   std::span<const EvalItem> items, const EvalOptions& o);

}  // namespace tandem::compress
