// LLMLingua-style prompt compression: keep the share of a prompt's tokens that carries the
// most information for the edge model (the highest surprisal, -log p(token | what precedes
// it)), dropping whole words, never a privacy placeholder, a fenced code block (unless asked)
// or a special token. docs/LONG_CONTEXT.md, "Prompt compression".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compress/word_units.h"
#include "tokenizer/tokenizer.h"

namespace tandem::compress {

struct CompressOptions {
  double keep = 0.5;           // share of the tokens to keep, (0, 1]
  bool compress_code = false;  // fenced code blocks may lose words too
  // The last words are always kept: what the answer continues from (a prompt often ends in
  // the middle of a word or a question).
  int keep_last_words = 1;
  // Share of the budget given to the most recent words after those, in [0, 1]: the end of a
  // prompt is what an answer continues from; the rest of the budget goes by surprisal. 0.5
  // measured best with the surprisal rule (docs/LONG_CONTEXT.md, "Prompt compression").
  double tail_share = 0.5;
};

// Throws std::invalid_argument naming the bad value.
void validate(const CompressOptions& o);

struct Compression {
  std::vector<tokenizer::TokenId> tokens;  // the kept tokens, in order
  std::vector<uint8_t> kept;               // per input token: 1 kept, 0 dropped
  std::string text;                        // the kept tokens decoded
  int64_t tokens_before = 0;
  int64_t tokens_after = 0;
  double ratio() const {
    return tokens_before ? static_cast<double>(tokens_after) / static_cast<double>(tokens_before)
                         : 1.0;
  }
};

// The token budget of a prompt of n tokens: round(keep * n), at least 1.
int64_t budget(int64_t n, double keep);

// Keeps the units whose tokens carry the most surprisal per token, within budget(n, keep)
// tokens: protected units and the last `keep_last_words` words first (they may exceed the
// budget alone), then the most recent words within tail_share of the budget, then the others
// in order of their mean surprisal, each one that still fits.
// surprisal[i]: -log p(tokens[i] | BOS, tokens[0..i)) under the edge model.
Compression compress(const tokenizer::Tokenizer& tok, std::span<const tokenizer::TokenId> tokens,
                     std::span<const float> surprisal, const CompressOptions& o);

// The same selection rule over units with any per-unit priority (higher: kept first); the
// baselines of the evaluation (random order, recency) are priorities too.
Compression keep_by_priority(const tokenizer::Tokenizer& tok,
                             std::span<const tokenizer::TokenId> tokens,
                             std::span<const WordUnit> units, std::span<const double> priority,
                             const CompressOptions& o);

// The compression's decoded text and counts from a kept mask.
Compression from_mask(const tokenizer::Tokenizer& tok, std::span<const tokenizer::TokenId> tokens,
                      std::vector<uint8_t> kept);

}  // namespace tandem::compress
