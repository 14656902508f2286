// Structured output for an answer the edge model takes over part-way (mid-stream failover):
// the grammar's state is advanced over the text the client already has (bytes, since the
// Commander's tokens are not known here), then constrains the rest as api::GrammarProcessor
// does for a whole answer.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "engine/logits_processor.h"
#include "grammar/matcher.h"
#include "grammar/token_bitset.h"
#include "grammar/token_mask.h"
#include "grammar/vocab_index.h"

namespace tandem::dispatcher {

class ResumedGrammarProcessor final : public engine::LogitsProcessor {
 public:
  // Throws std::invalid_argument when `sent` is not a prefix the grammar admits.
  ResumedGrammarProcessor(std::shared_ptr<const grammar::Grammar> g,
                          std::shared_ptr<const grammar::VocabIndex> vocab, std::string_view sent);

  void apply(std::span<float> logits) override;
  void accept(tokenizer::TokenId id) override;
  bool done() const override { return done_; }

 private:
  void refresh();

  grammar::TokenMask mask_;
  grammar::Matcher matcher_;
  grammar::TokenBitset allowed_;
  bool done_ = false;
};

}  // namespace tandem::dispatcher
