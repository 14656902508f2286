// Structured output requests: `response_format` (OpenAI: text, json_object, json_schema)
// and llama.cpp's `grammar` (GBNF text) become one compiled grammar the output must follow.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "grammar/grammar.h"

namespace tandem::api {

// The grammar named by `body`'s response_format / grammar fields, or null for free text.
// Errors are ApiError 400 naming the field: a response_format that is not an object or has
// an unknown type, a schema that is not an object or uses an unsupported keyword (the
// converter's message), GBNF that does not parse (line:column), or both fields at once.
// Takes ordered_json: a JSON Schema's properties are emitted in the document's order.
std::shared_ptr<const grammar::Grammar> parse_output_constraint(const nlohmann::ordered_json& body);

}  // namespace tandem::api
