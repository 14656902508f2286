// Streamed Responses: converts a chat-completions SSE stream (chat.completion.chunk events,
// as any role's chat handler or an upstream sends them) into the Responses API's typed
// events, as the answer arrives. Text opens a message item; each chat tool_calls index
// becomes a function_call item whose argument pieces are passed on as they come.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/responses/responses_object.h"

namespace tandem::api {

class ResponsesStream {
 public:
  explicit ResponsesStream(ResponseShell shell);

  // Chat SSE bytes in (split anywhere), Responses SSE bytes out ("event: T\ndata: {...}\n\n").
  std::string feed(std::string_view chat_sse);
  // The chat stream has ended: closes the open items and sends response.completed (or
  // .incomplete / .failed) with the whole response. Idempotent.
  std::string finish();
  // A whole (non-streamed) chat.completion as the event stream, for a chat side that
  // answered a streamed request in one piece.
  std::string from_completion(const nlohmann::json& chat);
  // The whole response that finish() sent (null before): what the response store keeps.
  const nlohmann::ordered_json& final_response() const { return final_; }

 private:
  struct Call {  // one chat tool_calls index
    std::string item_id, call_id, name, arguments;
    size_t output_index = 0;
    bool opened = false;
  };

  std::string event(const char* type, nlohmann::ordered_json data);
  std::string start();
  std::string on_chunk(const nlohmann::json& chunk);
  std::string on_tool_call(const nlohmann::json& piece);
  std::string open_message();
  std::string close_message();
  std::string close_call(Call& c);
  nlohmann::ordered_json output() const;

  ResponseShell shell_;
  std::string buf_;
  int64_t seq_ = 0;
  bool started_ = false, finished_ = false;
  std::vector<nlohmann::ordered_json> items_;  // by output_index; finished items
  bool msg_open_ = false;
  std::string msg_id_, text_;
  size_t msg_index_ = 0;
  std::map<int64_t, Call> calls_;  // by chat tool_calls index
  std::string finish_reason_;
  nlohmann::json usage_, error_;
  nlohmann::ordered_json final_;
};

}  // namespace tandem::api
