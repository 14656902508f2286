#include "dispatcher/cloud/speculative_answer.h"

#include <algorithm>

namespace tandem::dispatcher {
namespace {

serving::TextStream::Options text_options(const SpeculativeAnswerOptions& o) {
  serving::TextStream::Options t;
  t.stop = o.stop;
  t.trim_leading = true;  // as the Commander's chat answers
  return t;
}

}  // namespace

SpeculativeAnswer::SpeculativeAnswer(spec::Drafter& drafter,
                                     std::unique_ptr<spec::Verifier> verifier,
                                     const tokenizer::Tokenizer& tok,
                                     const std::vector<tokenizer::TokenId>& prompt,
                                     const privacy::Masker& masker, SpeculativeAnswerOptions o)
    : verifier_(std::move(verifier)),
      tok_(tok),
      o_(std::move(o)),
      dec_(drafter, *verifier_, prompt, o_.n_ctx, o_.spec),
      text_(text_options(o_)),
      unmasker_(masker),
      n_prompt_(static_cast<int64_t>(prompt.size())) {}

SpeculativeAnswer::Step SpeculativeAnswer::next() {
  Step s;
  if (finished_) {
    s.done = true;
    return s;
  }
  serving::TextDelta delta;
  auto finish = [&](serving::FinishReason r) {
    delta.append(text_.push(utf8_.flush()));
    delta.append(text_.flush());
    s.done = true;
    s.finish = r;
    finished_ = true;
  };
  const int64_t room = o_.max_tokens < 0 ? o_.n_ctx : o_.max_tokens - n_generated_;
  if (room <= 0 || dec_.context_full()) {
    finish(serving::FinishReason::kLength);
  } else {
    for (tokenizer::TokenId t : dec_.step(room)) {
      const bool eot = tok_.is_eog(t) || std::find(o_.end_of_turn.begin(), o_.end_of_turn.end(),
                                                   t) != o_.end_of_turn.end();
      if (eot) {
        finish(serving::FinishReason::kStop);
        break;
      }
      ++n_generated_;
      delta.append(text_.push(utf8_.push(tok_.token_to_piece(t))));
      if (text_.stopped()) {
        finish(serving::FinishReason::kStop);
        break;
      }
    }
    if (!finished_ &&
        ((o_.max_tokens >= 0 && n_generated_ >= o_.max_tokens) || dec_.context_full()))
      finish(serving::FinishReason::kLength);
  }
  s.text = unmasker_.push(delta.content);
  if (s.done) s.text += unmasker_.flush();
  sent_ += s.text;
  return s;
}

std::string SpeculativeAnswer::take_pending() {
  serving::TextDelta d = text_.push(utf8_.flush());
  d.append(text_.flush());
  std::string rest = unmasker_.push(d.content) + unmasker_.flush();
  sent_ += rest;
  return rest;
}

}  // namespace tandem::dispatcher
