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
  // Entries whose input is an embedding row (an image's or audio clip's projected features)
  // instead of their token's: a row of n_embd floats owned by the caller, valid until
  // forward() returns; nullptr: the token's. Empty means none, as with want_hidden. The token
  // id of such an entry is the caller's placeholder (kept for prefix matching, never looked up).
  std::vector<const float*> embeds;

  void add(TokenId token, int32_t pos, int32_t seq, bool logits, bool hidden = false) {
    tokens.push_back(token);
    positions.push_back(pos);
    seq_ids.push_back(seq);
    want_logits.push_back(logits ? 1 : 0);
    if (hidden || !want_hidden.empty()) {
      want_hidden.resize(tokens.size() - 1, 0);  // the flags start with the first such entry
      want_hidden.push_back(hidden ? 1 : 0);
    }
    if (!embeds.empty()) embeds.push_back(nullptr);
  }
  // An entry fed by an embedding row; `placeholder` is any id (negative ones never collide
  // with the vocabulary's).
  void add_embedding(const float* row, TokenId placeholder, int32_t pos, int32_t seq, bool logits) {
    add(placeholder, pos, seq, logits);
    embeds.resize(tokens.size(), nullptr);  // the flags start with the first row
    embeds.back() = row;
  }
  bool is_embedding(size_t i) const { return i < embeds.size() && embeds[i] != nullptr; }
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
