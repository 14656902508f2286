#include "api/structured/output_constraint.h"

#include <string>

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::ordered_json;

const ordered_json* field(const ordered_json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

// Compiles grammar text; a GrammarError (with line:column for GBNF) is the caller's 400.
std::shared_ptr<const grammar::Grammar> compile(const std::string& gbnf, const char* param,
                                                const char* what) {
  try {
    return grammar::parse_gbnf_shared(gbnf);
  } catch (const grammar::GrammarError& e) {
    throw http::bad_field(param, std::string(what) + ": " + e.what());
  }
}

std::shared_ptr<const grammar::Grammar> from_schema(const ordered_json& schema, const char* param) {
  if (!schema.is_object())
    throw http::bad_field(param, std::string("'") + param + "' must be an object");
  std::string gbnf;
  try {
    gbnf = grammar::json_schema_to_gbnf(schema);
  } catch (const std::exception& e) {  // SchemaError names the keyword; a bad value type too
    throw http::bad_field(param, std::string("unsupported JSON schema: ") + e.what());
  }
  return compile(gbnf, param, "JSON schema");
}

// response_format; null for {"type": "text"}.
std::shared_ptr<const grammar::Grammar> from_response_format(const ordered_json& rf) {
  if (!rf.is_object())
    throw http::bad_field("response_format", "'response_format' must be an object");
  const ordered_json* type = field(rf, "type");
  if (!type || !type->is_string())
    throw http::bad_field("response_format.type", "'response_format.type' must be a string");
  const std::string t = type->get<std::string>();
  if (t == "text") return nullptr;
  if (t == "json_object") {
    // llama.cpp's extension: {"type": "json_object", "schema": {...}}.
    if (const ordered_json* schema = field(rf, "schema"))
      return from_schema(*schema, "response_format.schema");
    return compile(grammar::json_object_gbnf(), "response_format", "JSON object grammar");
  }
  if (t == "json_schema") {
    const ordered_json* js = field(rf, "json_schema");
    if (!js || !js->is_object())
      throw http::bad_field("response_format.json_schema",
                            "'response_format.json_schema' must be an object");
    if (const ordered_json* name = field(*js, "name"); name && !name->is_string())
      throw http::bad_field("response_format.json_schema.name",
                            "'response_format.json_schema.name' must be a string");
    if (const ordered_json* strict = field(*js, "strict"); strict && !strict->is_boolean())
      throw http::bad_field("response_format.json_schema.strict",
                            "'response_format.json_schema.strict' must be a boolean");
    const ordered_json* schema = field(*js, "schema");
    if (!schema)
      throw http::bad_field("response_format.json_schema.schema",
                            "'response_format.json_schema.schema' must be an object");
    // The output always follows the schema, so strict true and false behave alike.
    return from_schema(*schema, "response_format.json_schema.schema");
  }
  throw http::bad_field(
      "response_format.type",
      "unsupported response_format type '" + t + "' (expected text, json_object or json_schema)");
}

}  // namespace

std::shared_ptr<const grammar::Grammar> parse_output_constraint(const ordered_json& body) {
  std::shared_ptr<const grammar::Grammar> g;
  if (const ordered_json* rf = field(body, "response_format")) g = from_response_format(*rf);
  const ordered_json* text = field(body, "grammar");
  if (!text) return g;
  if (!text->is_string()) throw http::bad_field("grammar", "'grammar' must be a string of GBNF");
  if (text->get_ref<const std::string&>().empty()) return g;  // llama.cpp: no grammar
  if (g)
    throw http::bad_field("grammar", "'grammar' and a JSON 'response_format' cannot both be given");
  return compile(text->get<std::string>(), "grammar", "invalid grammar");
}

}  // namespace tandem::api
