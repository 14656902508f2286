// Prefill progress for streaming clients, as llama-server's `return_progress`: while a
// streamed answer's prompt is prefilled, chunks with no choices and a `prompt_progress`
// object {total, cache, processed, time_ms} come before the first token (one per prefilled
// batch, the last one with processed == total).
#pragma once

#include <string>

#include "api/openai_response.h"
#include "serving/sequence.h"

namespace tandem::api {

// One progress chunk: a chat.completion.chunk (chat) or text_completion with
// "choices": [] (as the usage chunk, which OpenAI clients skip) and prompt_progress.
std::string progress_event(const ResponseMeta& meta, bool chat, const serving::PrefillProgress& p);

// The progress chunks of one streamed answer, polled by its SSE provider before each wait
// for tokens.
class PrefillProgressEvents {
 public:
  PrefillProgressEvents(ResponseMeta meta, bool chat) : meta_(std::move(meta)), chat_(chat) {}
  // False once the prefill is over (or the sequence produced output): stop polling.
  bool active() const { return active_; }
  // Blocks until the prefill moves on, then returns its chunk ("" when nothing new: the
  // sequence already has tokens or ended, and polling stops).
  std::string next(serving::SeqStream& s);

 private:
  ResponseMeta meta_;
  bool chat_;
  bool active_ = true;
  int64_t seen_ = -1;
};

}  // namespace tandem::api
