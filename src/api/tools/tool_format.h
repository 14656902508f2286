// How a model family writes tool calls, and how a request's tools reach the prompt. Families
// whose Jinja template renders `tools` get them as the template variable; every other
// template (the built-ins, plain) gets a system message describing the tools and the generic
// JSON reply format, with earlier tool turns rewritten as text.
#pragma once

#include <string_view>
#include <vector>

#include "api/tools/tool_request.h"
#include "template/chat_template.h"

namespace tandem::api {

enum class ToolFormat {
  kHermes,   // Qwen2.5/3, Hermes, QwQ, SmolLM3: <tool_call>{"name","arguments"}</tool_call>
  kLlama3,   // Llama 3.x JSON: {"name": ..., "parameters": {...}}
  kMistral,  // [TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]
  kGeneric,  // {"tool_calls": [{"name": ..., "arguments": {...}}]} (the fallback)
};

ToolFormat tool_format_for(const templates::ChatTemplate& t);
const char* tool_format_name(ToolFormat f);

// Fits a request's messages and tools to the template: sets `opts.tools` for templates that
// render tools, else rewrites tool turns as text and (when tools are active) adds the
// generic instructions to the system message.
void prepare_tool_prompt(const templates::ChatTemplate& t, const ToolSpec& spec,
                         std::vector<templates::ChatMessage>& messages,
                         templates::ChatRenderOptions& opts);

}  // namespace tandem::api
