#include "serving/generation.h"

namespace tandem::serving {

Generation::Generation(std::shared_ptr<SeqStream> stream, const tokenizer::Tokenizer& tok,
                       TextStream::Options text)
    : stream_(std::move(stream)), tok_(tok), text_(std::move(text)) {}

Generation::Step Generation::next() {
  Step step;
  auto u = stream_->next();
  for (auto& t : u.tokens) {
    if (text_.stopped()) break;
    ++n_tokens_;
    step.delta.append(text_.push(utf8_.push(tok_.token_to_piece(t.id))));
    step.tokens.push_back(std::move(t));
  }
  if (text_.stopped()) {
    stream_->cancel();  // a stop string: no need to generate further
    step.done = true;
    step.finish = FinishReason::kStop;
    return step;
  }
  if (u.finish != FinishReason::kNone) {
    step.delta.append(text_.push(utf8_.flush()));
    step.delta.append(text_.flush());
    step.done = true;
    step.finish = u.finish == FinishReason::kCancelled ? FinishReason::kStop : u.finish;
    step.error = u.error;
  }
  return step;
}

}  // namespace tandem::serving
