// The Responses API's response object and output items, built from chat-completions
// answers: a whole chat.completion here; streamed chunks in responses_stream.h.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/responses/responses_request.h"

namespace tandem::api {

// What a response object states before the answer exists.
struct ResponseShell {
  std::string id;  // resp_…
  int64_t created_at = 0;
  std::string model;
  nlohmann::ordered_json echo;  // ResponsesRequest::echo
  std::string previous_response_id;
};

ResponseShell response_shell(const ResponsesRequest& r);

// "resp_…", "msg_…", "fc_…", "call_…": OpenAI's prefixes on Tandem's unique ids.
std::string responses_id(const char* prefix);

// How a chat finish_reason ends a response: status completed | incomplete | failed, with
// incomplete_details {reason: max_output_tokens | content_filter} or null.
struct ResponseEnd {
  std::string status = "completed";
  nlohmann::ordered_json incomplete_details = nullptr;
  nlohmann::ordered_json error = nullptr;  // {code, message} when failed
};
ResponseEnd response_end(const std::string& finish_reason);

// {input_tokens, input_tokens_details, output_tokens, output_tokens_details, total_tokens}
// from chat's usage (zeros where it has none: the AI SDK requires the object).
nlohmann::ordered_json responses_usage(const nlohmann::json& chat_usage);

nlohmann::ordered_json output_text_part(const std::string& text);
nlohmann::ordered_json message_item(const std::string& id, const std::string& status,
                                    nlohmann::ordered_json content);
nlohmann::ordered_json function_call_item(const std::string& id, const std::string& status,
                                          const std::string& call_id, const std::string& name,
                                          const std::string& arguments);

nlohmann::ordered_json response_object(const ResponseShell& shell, const ResponseEnd& end,
                                       nlohmann::ordered_json output, nlohmann::ordered_json usage);

// A non-streamed chat.completion -> the response object.
nlohmann::ordered_json chat_to_response(const nlohmann::json& chat, const ResponseShell& shell);

// A tool call's arguments as text (chat sends a JSON string; a few servers send an object).
std::string arguments_text(const nlohmann::json& args);

std::string dump_ordered(const nlohmann::ordered_json& j);  // never throws on bad UTF-8

}  // namespace tandem::api
