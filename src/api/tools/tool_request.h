// OpenAI function tools in a chat request: `tools`, `tool_choice`, `parallel_tool_calls`,
// validated into one ToolSpec (errors are ApiError 400 naming the field).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "template/chat_template.h"

namespace tandem::api {

enum class ToolChoiceMode { kAuto, kNone, kRequired, kNamed };

struct ToolSpec {
  // The request's `tools`, normalised to [{type:"function", function:{name, description?,
  // parameters, strict?}}] (parameters default to an empty object schema); null when none.
  nlohmann::ordered_json tools = nullptr;
  std::vector<std::string> names;  // function names, in `tools` order
  ToolChoiceMode choice = ToolChoiceMode::kAuto;
  std::string forced_name;  // kNamed: the function that must be called
  bool parallel = true;

  // Whether the model may call a tool in this request.
  bool active() const { return !names.empty() && choice != ToolChoiceMode::kNone; }
  // Whether the answer must be a tool call (decoding is then constrained).
  bool forced() const {
    return choice == ToolChoiceMode::kRequired || choice == ToolChoiceMode::kNamed;
  }
};

ToolSpec parse_tools(const nlohmann::ordered_json& body);

// messages[i].tool_calls of an assistant turn (`param` names it in errors). Arguments are JSON
// text as OpenAI sends them; an object is accepted and serialised.
std::vector<templates::ToolCall> parse_message_tool_calls(const nlohmann::json& calls,
                                                          const std::string& param);

// Every tool message must answer a call made by an earlier assistant turn (its
// tool_call_id); else a 400 naming messages[i].tool_call_id.
void check_tool_results(const std::vector<templates::ChatMessage>& messages);

}  // namespace tandem::api
