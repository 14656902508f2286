// The privacy boundary on the way back: the Commander's answer (masked text) becomes the
// client's (the real values, our model id). Streamed, every text field gets its own
// StreamUnmasker (content, reasoning, each tool call's arguments by index), since a
// placeholder may be split across events; what they hold back is released at the finish.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/openai_response.h"
#include "privacy/stream_unmasker.h"

namespace tandem::dispatcher {

enum class AnswerKind { kChat, kCompletion };

class CloudRelay {
 public:
  // masker: the conversation's (outlives this). echo: a completion whose first text event
  // is the echoed (masked) prompt.
  CloudRelay(AnswerKind kind, const privacy::Masker& masker, std::string alias, bool echo);

  // One SSE event of the Commander (its lines, without the blank line that ends it) -> the
  // events the client gets now ("" when everything in it is held back).
  std::string relay(std::string_view event);
  // The stream broke off: what is still held back, as events (released as is).
  std::string flush();

  bool done_seen() const { return done_seen_; }  // [DONE] arrived
  bool finished() const { return finished_; }    // a finish_reason arrived
  bool in_tool_call() const { return !tools_.empty(); }
  // The unmasked answer text the client has been sent (content; not the echo).
  const std::string& received() const { return received_; }
  // Events that carried generated text (about one per token): the failover's budget and
  // the latency metrics.
  int64_t n_text_events() const { return n_text_events_; }
  // The Commander's id and created, our model id.
  const api::ResponseMeta& meta() const { return meta_; }

 private:
  std::string relay_chat(nlohmann::ordered_json& j);
  std::string relay_completion(nlohmann::ordered_json& j);
  std::string rest_event();  // a chunk with everything held back, or ""

  AnswerKind kind_;
  const privacy::Masker& masker_;
  api::ResponseMeta meta_;
  bool echo_pending_;
  privacy::StreamUnmasker content_, reasoning_;
  std::map<int64_t, privacy::StreamUnmasker> tools_;  // by tool-call index
  std::string received_;
  int64_t n_text_events_ = 0;
  bool done_seen_ = false;
  bool finished_ = false;
};

// A whole (non-streamed) answer of the Commander, in place: our model id, every text field
// unmasked (content, reasoning_content, tool-call arguments; a completion's text).
void unmask_answer(nlohmann::ordered_json& j, AnswerKind kind, const privacy::Masker& masker,
                   const std::string& alias);

}  // namespace tandem::dispatcher
