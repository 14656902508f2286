// Refuses a prompt that cannot fit the context before tokenizing it. No token stands for more
// text than the vocabulary's longest piece, so a text longer than n_ctx x that many bytes has
// more tokens than the context holds: a 1 MB message is refused at once instead of being
// tokenized whole (a quarter of a million tokens, and the tokenizer's working memory) first.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tokenizer/tokenizer.h"

namespace tandem::api {

class PromptGuard {
 public:
  // Scans the vocabulary once (special tokens included: templates write them as text).
  explicit PromptGuard(const tokenizer::Tokenizer& tok);

  size_t max_piece_bytes() const { return max_piece_; }
  // Whether a text of `text_bytes` could fit `n_ctx` tokens at all.
  bool could_fit(size_t text_bytes, int64_t n_ctx) const {
    return n_ctx <= 0 || text_bytes <= static_cast<size_t>(n_ctx) * max_piece_;
  }
  // The fewest tokens a text of `text_bytes` can have.
  int64_t min_tokens(size_t text_bytes) const {
    return static_cast<int64_t>(text_bytes / max_piece_);
  }
  // Throws ApiError 400 (context_length_exceeded, naming `param`) when `text_bytes` cannot
  // fit `n_ctx` tokens.
  void check(size_t text_bytes, int64_t n_ctx, const char* param) const;

 private:
  size_t max_piece_ = 1;
};

}  // namespace tandem::api
