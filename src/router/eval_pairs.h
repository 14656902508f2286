// The (prompt, true continuation) pairs that router quality is measured on, one JSON object a
// line: {"domain", "prompt", "continuation", "prompt_ids", "cont_ids"} (ids of the edge
// tokenizer; BOS precedes prompt_ids when a model reads them). The format of
// shared/eval/tinystories/pairs_dev.jsonl.
#pragma once

#include <stdexcept>
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

// A deterministic split by position of pairs (or of rows measured from them, in file order):
// "all", "even" (index 0, 2, ...) or "odd". Throws std::invalid_argument for another name.
template <typename T>
std::vector<T> select_split(const std::vector<T>& items, const std::string& split) {
  if (split == "all") return items;
  if (split != "even" && split != "odd")
    throw std::invalid_argument("split must be all, even or odd, got '" + split + "'");
  std::vector<T> out;
  for (size_t i = split == "even" ? 0 : 1; i < items.size(); i += 2) out.push_back(items[i]);
  return out;
}

}  // namespace tandem::router
