// The (prompt, true continuation) pairs that router quality is measured on, one JSON object a
// line: {"domain", "prompt", "continuation", "prompt_ids", "cont_ids"} (ids of the edge
// tokenizer; BOS precedes prompt_ids when a model reads them). The format of
// shared/eval/tinystories/pairs_dev.jsonl.
#pragma once

#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace tandem::router {

struct EvalPair {
  std::string domain;
  std::string prompt;
  std::string continuation;
  std::vector<tokenizer::TokenId> prompt_ids;  // without BOS
  std::vector<tokenizer::TokenId> cont_ids;
};

// Throws std::runtime_error naming path:line for unreadable files, malformed JSON, missing
// fields or empty id lists.
std::vector<EvalPair> read_eval_pairs(const std::string& path);

// A deterministic split by position: "all", "even" (index 0, 2, ...) or "odd".
// Throws std::invalid_argument for another name.
std::vector<EvalPair> select_split(const std::vector<EvalPair>& pairs, const std::string& split);

}  // namespace tandem::router
