// The seam between a forward pass's logits and the Sampler: a per-sequence object that may
// mask or adjust logits before each draw (grammar constraints, later tool-call constraints
// or logit biases). The engine knows only this interface; implementations live above it.
#pragma once

#include <cstdint>
#include <span>

#include "tokenizer/tokenizer.h"

namespace tandem::engine {

class LogitsProcessor {
 public:
  virtual ~LogitsProcessor() = default;

  // Adjusts the logits of the next token in place; a disallowed token becomes -inf.
  virtual void apply(std::span<float> logits) = 0;
  // Records the token that was sampled (after apply) and is about to be emitted.
  virtual void accept(tokenizer::TokenId id) = 0;
  // Nothing but an end-of-generation token may follow: the caller ends the sequence.
  virtual bool done() const = 0;
  // At most `tokens` more may be emitted, the next one included (max_tokens, the context),
  // so a constraint can close in time instead of being cut off. Called before apply().
  virtual void set_budget(int64_t tokens) { (void)tokens; }
};

}  // namespace tandem::engine
