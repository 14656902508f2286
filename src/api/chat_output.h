// An assistant answer as OpenAI sends it back: generated text becomes content, reasoning
// and, when the request offered tools, tool calls recognised in the family's format. The
// same object serves streamed answers (deltas per step) and whole ones (message()), so both
// report identical calls.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "api/tools/tool_call_stream.h"
#include "api/tools/tool_format.h"
#include "api/tools/tool_request.h"
#include "serving/sequence.h"
#include "serving/text_stream.h"

namespace tandem::api {

class ChatOutput {
 public:
  // Tool calls are looked for only when `tools` is active.
  ChatOutput(const ToolSpec& tools, ToolFormat format, bool return_reasoning);

  // The chat.completion.chunk `delta` objects for one step's text (possibly none).
  std::vector<nlohmann::json> push(const serving::TextDelta& d);
  // Flushes text held back while it might have been a call.
  std::vector<nlohmann::json> finish();

  // After finish(): {"role":"assistant","content",["tool_calls"],["reasoning_content"]}.
  nlohmann::json message() const;
  // "tool_calls" once a call was made (unless generation failed), else the engine's reason.
  const char* finish_reason(serving::FinishReason r) const;
  bool has_tool_calls() const { return tools_ && !tools_->calls().empty(); }

 private:
  std::vector<nlohmann::json> deltas(const ToolEvents& ev, const std::string& reasoning);

  std::optional<ToolCallStream> tools_;
  bool return_reasoning_;
  std::string content_, reasoning_;
};

}  // namespace tandem::api
