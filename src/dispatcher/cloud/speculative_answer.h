// A cloud-speculative answer in the making: the edge model drafts on the MASKED prompt, the
// Commander verifies over /v1/tandem/verify; each step is one verification pass, its tokens
// turned into text (UTF-8 completion, stop strings) and unmasked for the client. The stop
// rules are the Commander's own (EOS/end-of-turn, max_tokens, context), so greedy output is
// the Commander's token for token.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "privacy/stream_unmasker.h"
#include "serving/sequence.h"
#include "serving/text_stream.h"
#include "spec/speculative.h"
#include "tokenizer/tokenizer.h"

namespace tandem::dispatcher {

struct SpeculativeAnswerOptions {
  int64_t max_tokens = -1;  // < 0: until the end or the context is full
  std::vector<std::string> stop;
  std::vector<tokenizer::TokenId> end_of_turn;  // tokens that end the answer besides EOS
  int32_t n_ctx = 0;                            // prompt + answer
  spec::SpecOptions spec;
};

class SpeculativeAnswer {
 public:
  // masker: the conversation's Masker (outlives this); prompt: the masked prompt's tokens.
  SpeculativeAnswer(spec::Drafter& drafter, std::unique_ptr<spec::Verifier> verifier,
                    const tokenizer::Tokenizer& tok, const std::vector<tokenizer::TokenId>& prompt,
                    const privacy::Masker& masker, SpeculativeAnswerOptions o);

  struct Step {
    std::string text;  // unmasked, safe to send now
    bool done = false;
    serving::FinishReason finish = serving::FinishReason::kNone;
  };
  // One verification pass. Throws verify::VerifyError when the Commander fails; then
  // `sent()` is the text already handed out (the failover continues after it).
  Step next();

  // After a failure: the text still held back (partial UTF-8, a possible stop string or
  // placeholder), released as is.
  std::string take_pending();
  const std::string& sent() const { return sent_; }
  int64_t n_prompt() const { return n_prompt_; }
  int64_t n_generated() const { return n_generated_; }
  const spec::SpecStats& stats() const { return dec_.stats(); }

 private:
  std::unique_ptr<spec::Verifier> verifier_;
  const tokenizer::Tokenizer& tok_;
  SpeculativeAnswerOptions o_;
  spec::SpeculativeDecoder dec_;
  tokenizer::Utf8StreamDecoder utf8_;
  serving::TextStream text_;
  privacy::StreamUnmasker unmasker_;
  std::string sent_;
  int64_t n_prompt_ = 0;
  int64_t n_generated_ = 0;
  bool finished_ = false;
};

}  // namespace tandem::dispatcher
