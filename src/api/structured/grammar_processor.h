// Grammar-constrained decoding on the engine's LogitsProcessor seam: the model's vocabulary
// as byte strings (one shared trie per model) and a per-sequence matcher + token mask.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "engine/logits_processor.h"
#include "grammar/matcher.h"
#include "grammar/token_bitset.h"
#include "grammar/token_mask.h"
#include "grammar/vocab_index.h"
#include "tokenizer/tokenizer.h"

namespace tandem::api {

// The vocabulary as the grammar sees it: each token's bytes exactly as generation emits
// them (control, unknown and unused tokens render as nothing, so no grammar can produce
// them); EOG = the vocab's end-of-generation tokens plus `extra_eog` (end-of-turn markers).
std::shared_ptr<const grammar::VocabIndex> build_vocab_index(
    const tokenizer::Tokenizer& tok, std::span<const tokenizer::TokenId> extra_eog = {});

// One sequence's constraint. The mask for the next token is computed as soon as the
// previous one is accepted, so done() knows whether anything but EOG may follow.
class GrammarProcessor final : public engine::LogitsProcessor {
 public:
  // `prefix`: text the answer already has (an edge continuing a Commander's answer after a
  // failure), fed to the grammar as bytes since its tokens are not known; throws
  // std::invalid_argument when the grammar does not admit it.
  GrammarProcessor(std::shared_ptr<const grammar::Grammar> g,
                   std::shared_ptr<const grammar::VocabIndex> vocab, std::string_view prefix = {});

  // Disallowed tokens become -inf. Throws if the grammar admits no token of the vocabulary.
  void apply(std::span<float> logits) override;
  // Throws std::logic_error for a token the mask did not allow.
  void accept(tokenizer::TokenId id) override;
  bool done() const override { return done_; }
  // Under a budget the mask keeps only tokens after which the answer can still be completed
  // with one token to spare, so it ends complete (finish "stop") rather than cut off. When
  // the budget is already too small for that, the plain mask applies.
  void set_budget(int64_t tokens) override;

  const grammar::TokenBitset& allowed() const { return allowed_; }

 private:
  void refresh();

  grammar::TokenMask mask_;
  grammar::Matcher matcher_;
  grammar::TokenBitset allowed_;
  int64_t budget_ = -1;  // < 0: unlimited
  bool done_ = false;
};

// A model's shared vocabulary index, built on first use (thread-safe), and the processors
// made from it.
class GrammarVocab {
 public:
  GrammarVocab(const tokenizer::Tokenizer& tok, std::vector<tokenizer::TokenId> extra_eog);

  const std::shared_ptr<const grammar::VocabIndex>& index() const;
  std::unique_ptr<engine::LogitsProcessor> processor(std::shared_ptr<const grammar::Grammar> g,
                                                     std::string_view prefix = {}) const;

 private:
  const tokenizer::Tokenizer& tok_;
  std::vector<tokenizer::TokenId> extra_eog_;
  mutable std::once_flag once_;
  mutable std::shared_ptr<const grammar::VocabIndex> index_;
};

}  // namespace tandem::api
