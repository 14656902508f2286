#include "dispatcher/edge/edge_grammar.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace tandem::dispatcher {

ResumedGrammarProcessor::ResumedGrammarProcessor(std::shared_ptr<const grammar::Grammar> g,
                                                 std::shared_ptr<const grammar::VocabIndex> vocab,
                                                 std::string_view sent)
    : mask_(g, vocab), matcher_(g), allowed_(vocab->size()) {
  if (!matcher_.accept_bytes(sent))
    throw std::invalid_argument("the answer so far does not follow the requested format");
  refresh();
}

void ResumedGrammarProcessor::refresh() {
  mask_.compute(matcher_, allowed_);
  size_t eog_allowed = 0;
  for (int32_t id : mask_.vocab().eog_ids()) eog_allowed += allowed_.test(static_cast<size_t>(id));
  done_ = matcher_.is_complete() && allowed_.count() == eog_allowed;
}

void ResumedGrammarProcessor::apply(std::span<float> logits) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  bool any = false;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (i < allowed_.size() && allowed_.test(i))
      any = true;
    else
      logits[i] = kNegInf;
  }
  if (!any) throw std::runtime_error("the grammar admits no token of this vocabulary here");
}

void ResumedGrammarProcessor::accept(tokenizer::TokenId id) {
  if (id < 0 || static_cast<size_t>(id) >= allowed_.size() ||
      !allowed_.test(static_cast<size_t>(id)) || !mask_.accept_token(matcher_, id))
    throw std::logic_error("token " + std::to_string(id) + " is not allowed by the grammar");
  refresh();
}

}  // namespace tandem::dispatcher
