// The Responses API (POST /v1/responses) request, converted into the chat-completions body
// the role's own chat handler serves. Only the conversion lives here: the chat handler does
// all sampling validation, so a Responses request is exactly as strict as a chat request.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tandem::api {

struct ResponsesRequest {
  // The chat-completions body (ordered: a json_schema keeps its properties' order).
  nlohmann::ordered_json chat;
  // The request fields a response object repeats back (tools, tool_choice, text, ...), in
  // the Responses shape, with OpenAI's defaults where the request left them out.
  nlohmann::ordered_json echo;
  std::string model;  // as requested ("" if left out)
  std::string previous_response_id;
  bool stream = false;
  bool store = true;  // OpenAI's default
};

// `body`'s input must already hold the whole conversation (resolve_input in
// responses_context.h: previous_response_id's items, item_reference replaced).
// Throws http::ApiError 400 naming the Responses field (e.g. `input[2].content[0].type`,
// `tools[0].type`, `conversation`) for what the conversion cannot express.
ResponsesRequest responses_to_chat(const nlohmann::ordered_json& body);

}  // namespace tandem::api
