// The grammar that makes an answer a valid tool call (tool_choice "required" or a named
// function): the family's framing around JSON whose "name" is one of the tools and whose
// arguments follow that tool's parameter schema.
#pragma once

#include <memory>

#include "api/openai_schema.h"
#include "api/tools/tool_format.h"
#include "api/tools/tool_request.h"
#include "grammar/grammar.h"

namespace tandem::api {

// GBNF text. Throws ApiError 400 naming tools[i].function.parameters when a parameter
// schema uses something the JSON Schema converter does not support.
std::string forced_tool_call_gbnf(ToolFormat f, const ToolSpec& spec);
std::shared_ptr<const grammar::Grammar> forced_tool_call_grammar(ToolFormat f,
                                                                 const ToolSpec& spec);

// The grammar a chat answer follows: the forced tool call (tool_choice required or named),
// else the request's response_format / grammar, else null. Both at once is a 400.
std::shared_ptr<const grammar::Grammar> answer_grammar(const ChatRequest& r, ToolFormat f);

}  // namespace tandem::api
