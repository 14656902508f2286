// Drives one submitted sequence from the handler side: token ids -> valid UTF-8 -> stop
// strings / reasoning split -> text deltas, with the completion token count. Destroying it
// cancels the sequence (client gone, handler done).
#pragma once

#include <memory>

#include "serving/sequence.h"
#include "serving/text_stream.h"
#include "tokenizer/tokenizer.h"

namespace tandem::serving {

class Generation {
 public:
  Generation(std::shared_ptr<SeqStream> stream, const tokenizer::Tokenizer& tok,
             TextStream::Options text);
  ~Generation() { stream_->cancel(); }
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  struct Step {
    TextDelta delta;
    std::vector<TokenLogprob> tokens;  // the tokens behind this delta
    bool done = false;
    FinishReason finish = FinishReason::kNone;
    std::string error;
  };
  // Blocks until there is more; after a step with done, do not call again.
  Step next();
  int64_t completion_tokens() const { return n_tokens_; }
  SeqStream& stream() { return *stream_; }

 private:
  std::shared_ptr<SeqStream> stream_;
  const tokenizer::Tokenizer& tok_;
  tokenizer::Utf8StreamDecoder utf8_;
  TextStream text_;
  int64_t n_tokens_ = 0;
};

}  // namespace tandem::serving
