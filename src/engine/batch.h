// A set of tokens evaluated in one forward pass: a prompt, drafted tokens, or one new
// token from each of several sequences (continuous batching).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace tandem::engine {

// The engine speaks the tokenizer's ids.
using tokenizer::TokenId;

struct Batch {
  std::vector<TokenId> tokens;
  std::vector<int32_t> positions;
  std::vector<int32_t> seq_ids;
  std::vector<uint8_t> want_logits;
  // Entries that want their final hidden state (after the output norm, before the output
  // projection: what embeddings pool). Empty means none, so generation batches never pay
  // for it; otherwise one flag per entry.
  std::vector<uint8_t> want_hidden;

  void add(TokenId token, int32_t pos, int32_t seq, bool logits, bool hidden = false) {
    tokens.push_back(token);
    positions.push_back(pos);
    seq_ids.push_back(seq);
    want_logits.push_back(logits ? 1 : 0);
    if (hidden || !want_hidden.empty()) {
      want_hidden.resize(tokens.size() - 1, 0);  // the flags start with the first such entry
      want_hidden.push_back(hidden ? 1 : 0);
    }
  }
  size_t size() const { return tokens.size(); }
  size_t n_logits() const;
  size_t n_hidden() const;
  void clear();

  // Consecutive tokens of one sequence starting at start_pos; logits for all of them or
  // only the last.
  static Batch sequence(std::span<const TokenId> toks, int32_t start_pos, int32_t seq,
                        bool all_logits);
};

}  // namespace tandem::engine
