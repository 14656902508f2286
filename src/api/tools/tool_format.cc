#include "api/tools/tool_format.h"

namespace tandem::api {
namespace {

using nlohmann::ordered_json;

bool has(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

// The generic reply format, as a model without tool training can follow it from the prompt.
std::string generic_instructions(const ToolSpec& spec) {
  ordered_json fns = ordered_json::array();
  for (const auto& t : spec.tools) fns.push_back(t["function"]);
  std::string s =
      "You can call functions. The available functions, as JSON Schema:\n" + fns.dump() +
      "\n\nTo call functions, reply with only this JSON and nothing else:\n"
      "{\"tool_calls\": [{\"name\": \"<function name>\", \"arguments\": {<arguments>}}]}";
  if (!spec.parallel) s += "\nCall at most one function per reply.";
  return s;
}

std::string call_text(const std::vector<templates::ToolCall>& calls) {
  ordered_json list = ordered_json::array();
  for (const auto& c : calls) {
    auto args = ordered_json::parse(c.arguments, nullptr, false);
    if (args.is_discarded()) args = c.arguments;
    list.push_back({{"name", c.name}, {"arguments", std::move(args)}});
  }
  return ordered_json{{"tool_calls", std::move(list)}}.dump();
}

}  // namespace

ToolFormat tool_format_for(const templates::ChatTemplate& t) {
  const std::string& src = t.source();
  if (!t.supports_tools()) return ToolFormat::kGeneric;
  // GLM writes <tool_call> with XML arguments: not Hermes JSON.
  if (has(src, "<tool_call>") && !has(src, "<arg_key>")) return ToolFormat::kHermes;
  if (has(src, "[TOOL_CALLS]")) return ToolFormat::kMistral;
  if (t.kind() == templates::ChatTemplateKind::kLlama3) return ToolFormat::kLlama3;
  return ToolFormat::kGeneric;
}

const char* tool_format_name(ToolFormat f) {
  switch (f) {
    case ToolFormat::kHermes:
      return "hermes";
    case ToolFormat::kLlama3:
      return "llama3";
    case ToolFormat::kMistral:
      return "mistral";
    case ToolFormat::kGeneric:
      break;
  }
  return "generic";
}

void prepare_tool_prompt(const templates::ChatTemplate& t, const ToolSpec& spec,
                         std::vector<templates::ChatMessage>& messages,
                         templates::ChatRenderOptions& opts) {
  if (t.supports_tools() && tool_format_for(t) != ToolFormat::kGeneric) {
    if (spec.active()) opts.tools = spec.tools;
    return;
  }
  for (auto& m : messages) {
    if (!m.tool_calls.empty()) {
      m.content = (m.content.empty() ? "" : m.content + "\n") + call_text(m.tool_calls);
      m.tool_calls.clear();
      m.null_content = false;
    } else if (m.role == "tool") {
      // Most templates know no tool role: the result goes back as a user turn.
      m.content =
          ordered_json{{"tool_response", {{"name", m.name}, {"content", m.content}}}}.dump();
      m.role = "user";
      m.tool_call_id.clear();
      m.name.clear();
    }
  }
  if (!spec.active()) return;
  const std::string text = generic_instructions(spec);
  if (!messages.empty() && messages.front().role == "system")
    messages.front().content += "\n\n" + text;
  else
    messages.insert(messages.begin(), templates::ChatMessage{"system", text});
}

}  // namespace tandem::api
