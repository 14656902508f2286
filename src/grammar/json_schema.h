// JSON Schema -> GBNF, following the shapes of llama.cpp's common/json-schema-to-grammar.cpp
// (values followed by optional `space`, required properties first, optional properties in
// declared order, additionalProperties defaulting to false). Unsupported keywords throw
// SchemaError naming the keyword instead of being skipped.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "grammar/grammar.h"

namespace tandem::grammar {

class SchemaError : public GrammarError {
 public:
  using GrammarError::GrammarError;
};

// Property order follows the document for ordered_json; nlohmann::json sorts keys, so the
// second overload emits properties alphabetically.
std::string json_schema_to_gbnf(const nlohmann::ordered_json& schema);
std::string json_schema_to_gbnf(const nlohmann::json& schema);

// Any JSON object: the grammar for response_format {"type": "json_object"}.
std::string json_object_gbnf();

}  // namespace tandem::grammar
