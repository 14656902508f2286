#include "api/chat_output.h"

#include "api/openai_schema.h"

namespace tandem::api {

using nlohmann::json;

ChatOutput::ChatOutput(const ToolSpec& tools, ToolFormat format, bool return_reasoning)
    : return_reasoning_(return_reasoning) {
  if (tools.active()) tools_.emplace(format);
}

std::vector<json> ChatOutput::deltas(const ToolEvents& ev, const std::string& reasoning) {
  std::vector<json> out;
  content_ += ev.content;
  reasoning_ += reasoning;
  json d = json::object();
  if (!reasoning.empty() && return_reasoning_) d["reasoning_content"] = reasoning;
  if (!ev.content.empty()) d["content"] = ev.content;
  if (!d.empty()) out.push_back(std::move(d));
  for (const auto& c : ev.calls) {
    json call = {{"index", c.index}};
    if (c.header) {
      call["id"] = c.id;
      call["type"] = "function";
      call["function"] = {{"name", c.name}, {"arguments", c.arguments}};
    } else {
      call["function"] = {{"arguments", c.arguments}};
    }
    out.push_back({{"tool_calls", json::array({std::move(call)})}});
  }
  return out;
}

std::vector<json> ChatOutput::push(const serving::TextDelta& d) {
  ToolEvents ev;
  if (tools_)
    ev = tools_->push(d.content);
  else
    ev.content = d.content;
  return deltas(ev, d.reasoning);
}

std::vector<json> ChatOutput::finish() {
  if (!tools_) return {};
  return deltas(tools_->finish(), "");
}

json ChatOutput::message() const {
  json msg = {{"role", "assistant"}, {"content", content_}};
  if (has_tool_calls()) {
    json calls = json::array();
    for (const auto& c : tools_->calls())
      calls.push_back({{"id", c.id},
                       {"type", "function"},
                       {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
    msg["tool_calls"] = std::move(calls);
    if (content_.empty()) msg["content"] = nullptr;
  }
  if (return_reasoning_) msg["reasoning_content"] = reasoning_;
  return msg;
}

const char* ChatOutput::finish_reason(serving::FinishReason r) const {
  // A call cut by max_tokens is reported as cut ("length"), as OpenAI does.
  if (has_tool_calls() && r == serving::FinishReason::kStop) return "tool_calls";
  return finish_reason_name(r);
}

}  // namespace tandem::api
