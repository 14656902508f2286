// The seam between a forward pass's logits and the Sampler: a per-sequence object that may
// mask or adjust logits before each draw (grammar constraints, later tool-call constraints
// or logit biases). The engine knows only this interface; implementations live above it.
#pragma once

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
};

}  // namespace tandem::engine
