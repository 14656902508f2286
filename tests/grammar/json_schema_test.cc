#include "grammar/json_schema.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "grammar/gbnf_parser.h"
#include "grammar/token_mask.h"

namespace tandem::grammar {
namespace {

using Json = nlohmann::ordered_json;

// --- a small validator for the keywords these tests use --------------------------------

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// `closed`: objects with "properties" but no "additionalProperties" reject other keys, the
// converter's (and llama.cpp's) default; allOf members are checked with spec semantics.
bool validate(const Json& v, const Json& s, const Json& root, bool closed = true);

bool validate_type(const Json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "integer") return v.is_number_integer();
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  return false;
}

bool validate(const Json& v, const Json& s, const Json& root, bool closed) {
  if (s.is_boolean()) return s.get<bool>();
  if (s.contains("$ref")) {
    return validate(v, root.at(Json::json_pointer(s["$ref"].get<std::string>().substr(1))), root);
  }
  if (s.contains("const") && v != s["const"]) return false;
  if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end()) {
    return false;
  }
  for (const char* k : {"anyOf", "oneOf"}) {
    if (s.contains(k) && std::none_of(s[k].begin(), s[k].end(),
                                      [&](const Json& sub) { return validate(v, sub, root); })) {
      return false;
    }
  }
  if (s.contains("allOf") &&
      !std::all_of(s["allOf"].begin(), s["allOf"].end(),
                   [&](const Json& sub) { return validate(v, sub, root, false); })) {
    return false;
  }
  if (s.contains("type")) {
    const Json& t = s["type"];
    const bool ok = t.is_string() ? validate_type(v, t)
                                  : std::any_of(t.begin(), t.end(),
                                                [&](const Json& x) { return validate_type(v, x); });
    if (!ok) return false;
  }
  if (v.is_object()) {
    for (const Json& r : s.value("required", Json::array())) {
      if (!v.contains(r.get<std::string>())) return false;
    }
    const Json props = s.value("properties", Json::object());
    for (const auto& [key, value] : v.items()) {
      if (props.contains(key)) {
        if (!validate(value, props[key], root)) return false;
      } else if (s.contains("additionalProperties")) {
        if (!validate(value, s["additionalProperties"], root)) return false;
      } else if (closed && s.contains("properties") && !s.contains("allOf")) {
        return false;  // converter default: no additional properties
      }
    }
  }
  if (v.is_array()) {
    if (v.size() < s.value("minItems", 0u) || v.size() > s.value("maxItems", 1u << 30))
      return false;
    const size_t prefix = s.contains("prefixItems") ? s["prefixItems"].size() : 0;
    for (size_t i = 0; i < v.size(); ++i) {
      if (i < prefix) {
        if (!validate(v[i], s["prefixItems"][i], root)) return false;
      } else if (s.contains("items")) {
        if (!validate(v[i], s["items"], root)) return false;
      } else if (s.contains("prefixItems")) {
        return false;
      }
    }
    if (v.size() < prefix) return false;
  }
  if (v.is_string()) {
    const std::string str = v.get<std::string>();
    const size_t n = code_points(str);
    if (n < s.value("minLength", 0u) || n > s.value("maxLength", 1u << 30)) return false;
    // std::regex is byte-based: stand in '~' for each non-ASCII code point (the patterns
    // under test only mention ASCII, so the substitution preserves their verdict).
    std::string ascii;
    for (unsigned char c : str) {
      if (c < 0x80) ascii += static_cast<char>(c);
      if (c >= 0xC0) ascii += '~';
    }
    if (s.contains("pattern") &&
        !std::regex_search(ascii, std::regex(s["pattern"].get<std::string>()))) {
      return false;
    }
    const std::string f = s.value("format", "");
    static const std::regex date(R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$)");
    static const std::regex time(
        R"(^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{3})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$)");
    static const std::regex uuid(R"(^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$)");
    if (f == "date" && !std::regex_match(str, date)) return false;
    if (f == "time" && !std::regex_match(str, time)) return false;
    if (f == "uuid" && !std::regex_match(str, uuid)) return false;
    if (f == "date-time") {
      const auto t = str.find('T');
      if (t == std::string::npos || !std::regex_match(str.substr(0, t), date) ||
          !std::regex_match(str.substr(t + 1), time)) {
        return false;
      }
    }
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    if (s.contains("minimum") && d < s["minimum"].get<double>()) return false;
    if (s.contains("maximum") && d > s["maximum"].get<double>()) return false;
    if (s.contains("exclusiveMinimum") && d <= s["exclusiveMinimum"].get<double>()) return false;
    if (s.contains("exclusiveMaximum") && d >= s["exclusiveMaximum"].get<double>()) return false;
  }
  return true;
}

// --- random generation through the token mask ------------------------------------------

std::vector<std::string> json_vocab() {
  std::vector<std::string> v;
  for (char c = ' '; c <= '~'; ++c) v.push_back(std::string(1, c));
  for (const char* t :
       {"\n",    "\t",   "  ",  "{\"",  "\":",      "\",", "\"}", "\": \"", "true",    "null",
        "false", "name", "age", "12",   "-3",       "0.5", "e+",  "\\n",    "\\u00e9", "\\\"",
        "é",     "日本", "語",  "\xE8", "\xAA\x9E", "[]",  "{}",  "],",     "},"}) {
    v.push_back(t);
  }
  v.push_back("<eos>");
  return v;
}

// Samples uniformly among allowed tokens; after a step budget prefers single punctuation
// tokens (closing quotes and brackets, separators) so open-ended strings, arrays and
// patterns terminate. Returns nullopt if no sentence was finished.
std::optional<std::string> random_sentence(TokenMask& mask, const std::shared_ptr<const Grammar>& g,
                                           std::mt19937& rng) {
  const VocabIndex& vocab = mask.vocab();
  const int32_t eos = static_cast<int32_t>(vocab.size() - 1);
  Matcher m(g);
  std::string out;
  TokenBitset bits;
  for (int step = 0; step < 3000; ++step) {
    mask.compute(m, bits);
    std::vector<int32_t> allowed, closers;
    for (size_t i = 0; i < bits.size(); ++i) {
      if (!bits.test(i)) continue;
      allowed.push_back(static_cast<int32_t>(i));
      const std::string& t = vocab.token(static_cast<int32_t>(i));
      if ((t.size() == 1 && !std::isalnum(static_cast<unsigned char>(t[0]))) ||
          static_cast<int32_t>(i) == eos) {
        closers.push_back(static_cast<int32_t>(i));
      }
    }
    if (allowed.empty()) {
      ADD_FAILURE() << "dead end after: " << out;
      return std::nullopt;
    }
    if (bits.test(eos) && (step > 100 || rng() % 4 == 0)) return out;
    const bool wind_down = step > 100 + static_cast<int>(rng() % 100);
    const auto& pool = (wind_down && !closers.empty()) ? closers : allowed;
    const int32_t id = pool[rng() % pool.size()];
    if (id == eos) return out;
    EXPECT_TRUE(mask.accept_token(m, id));
    out += vocab.token(id);
  }
  ADD_FAILURE() << "no end after 3000 steps: " << out.substr(0, 200);
  return std::nullopt;
}

void check_generated(const Json& schema, int samples = 40) {
  SCOPED_TRACE(schema.dump());
  const std::string gbnf = json_schema_to_gbnf(schema);
  std::shared_ptr<const Grammar> g;
  ASSERT_NO_THROW(g = parse_gbnf_shared(gbnf)) << gbnf;
  const auto tokens = json_vocab();
  auto vocab = std::make_shared<const VocabIndex>(
      tokens, std::vector<int32_t>{static_cast<int32_t>(tokens.size() - 1)});
  TokenMask mask(g, vocab);
  std::mt19937 rng(12345);
  int finished = 0;
  for (int i = 0; i < samples; ++i) {
    const auto text = random_sentence(mask, g, rng);
    if (!text) continue;
    ++finished;
    Json parsed;
    try {
      parsed = Json::parse(*text);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << *text << "\n" << e.what() << "\n" << gbnf;
      continue;
    }
    EXPECT_TRUE(validate(parsed, schema, schema)) << "invalid: " << *text << "\n" << gbnf;
  }
  EXPECT_GE(finished, samples * 3 / 4) << gbnf;
}

TEST(JsonSchema, Primitives) {
  for (const char* t : {"string", "number", "integer", "boolean", "null"}) {
    check_generated(Json{{"type", t}});
  }
  check_generated(Json{{"type", Json::array({"string", "null"})}});
  check_generated(Json::parse(R"({"type":"integer","minimum":-15,"maximum":230})"));
  check_generated(Json::parse(R"({"type":"integer","exclusiveMinimum":7})"));
  check_generated(Json::parse(R"({"type":"string","minLength":2,"maxLength":5})"));
}

TEST(JsonSchema, ObjectsWithRequiredAndOptional) {
  check_generated(Json::parse(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string", "maxLength": 8},
      "age": {"type": "integer", "minimum": 0, "maximum": 120},
      "ok": {"type": "boolean"},
      "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "maxItems": 3}
    },
    "required": ["age", "name"]
  })"));
  check_generated(Json::parse(
      R"({"type":"object","properties":{"a":{"type":"null"},"b":{"type":"integer"}}})"));
  // OpenAI strict mode's optional fields: a type union with null keeps the other type's
  // bounds on its own branch.
  check_generated(Json::parse(R"({"type":"object","properties":{
      "s":{"type":["string","null"],"maxLength":5},
      "n":{"type":["integer","null"],"minimum":1,"maximum":9}},
      "required":["s","n"],"additionalProperties":false})"));
  EXPECT_THROW(json_schema_to_gbnf(Json::parse(R"({"type":["string","null"],"minItems":1})")),
               SchemaError);
}

TEST(JsonSchema, AdditionalProperties) {
  check_generated(Json::parse(
      R"({"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"boolean"}})"));
  check_generated(Json::parse(
      R"({"type":"object","properties":{"name":{"type":"null"}},"required":["name"],"additionalProperties":true})"));
  check_generated(Json::parse(R"({"type":"object","additionalProperties":{"type":"integer"}})"));
}

TEST(JsonSchema, EnumConstAnyOfRefs) {
  check_generated(Json::parse(R"({"enum":["red","green",1,null,{"k":[1,2]}]})"));
  check_generated(
      Json::parse(R"({"type":"object","properties":{"v":{"const":"fixed"}},"required":["v"]})"));
  check_generated(Json::parse(R"({"anyOf":[{"type":"integer"},{"type":"string","maxLength":2}]})"));
  check_generated(Json::parse(R"({
    "$defs": {"pt": {"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer"}},"required":["x","y"]}},
    "definitions": {"tag": {"enum": ["a", "b"]}},
    "type": "object",
    "properties": {"p": {"$ref": "#/$defs/pt"}, "t": {"$ref": "#/definitions/tag"}},
    "required": ["p"]
  })"));
  // Recursive schema through $ref.
  check_generated(Json::parse(R"({
    "$defs": {"node": {"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["v"]}},
    "$ref": "#/$defs/node"
  })"));
  check_generated(Json::parse(
      R"({"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"string"}}}]})"));
}

TEST(JsonSchema, Arrays) {
  check_generated(
      Json::parse(R"({"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":4})"));
  check_generated(Json::parse(R"({"type":"array","items":{"type":"boolean"},"minItems":1})"));
  check_generated(Json::parse(R"({"type":"array","maxItems":0})"));
  check_generated(
      Json::parse(R"({"type":"array","prefixItems":[{"type":"integer"},{"type":"string"}]})"));
  check_generated(
      Json::parse(R"({"type":"array","prefixItems":[{"const":1}],"items":{"type":"null"}})"));
}

TEST(JsonSchema, FormatsAndPatterns) {
  for (const char* f : {"date", "time", "date-time", "uuid"}) {
    check_generated(Json{{"type", "string"}, {"format", f}});
  }
  check_generated(Json::parse(R"({"type":"string","pattern":"^[A-Z]{2}-\\d{3}$"})"));
  check_generated(Json::parse(R"({"type":"string","pattern":"^(ab|c\\.d)+x?[^a-z\"]{0,3}$"})"));
  check_generated(Json::parse(R"({"type":"string","pattern":"^\\w+@\\w+\\.(com|org)$"})"));
  check_generated(Json::parse(R"({"type":"string","pattern":"^(?:\"|\\\\|\\s)*$"})"));
}

TEST(JsonSchema, JsonObjectGrammar) {
  const std::string gbnf = json_object_gbnf();
  auto g = parse_gbnf_shared(gbnf);
  EXPECT_TRUE(matches(g, R"({"a": [1, {"b": null}], "c": "d"})"));
  EXPECT_FALSE(matches(g, "[1]"));
  check_generated(Json{{"type", "object"}}, 30);
}

std::string conversion_error(const std::string& schema) {
  try {
    json_schema_to_gbnf(Json::parse(schema));
  } catch (const SchemaError& e) {
    return e.what();
  } catch (const GrammarError& e) {
    return e.what();
  }
  return "";
}

TEST(JsonSchema, UnsupportedKeywordsAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"type":"array","uniqueItems":true})", "'uniqueItems'"},
      {R"({"type":"array","contains":{"type":"integer"}})", "'contains'"},
      {R"({"not":{"type":"string"}})", "'not'"},
      {R"({"if":{},"then":{}})", "'if'"},
      {R"({"type":"object","patternProperties":{"^a":{}}})", "'patternProperties'"},
      {R"({"type":"object","minProperties":1})", "'minProperties'"},
      {R"({"type":"number","multipleOf":2})", "'multipleOf'"},
      {R"({"type":"number","minimum":1.5})", "'minimum' is only supported for integers"},
      {R"({"type":"string","format":"email"})", "'format' value 'email'"},
      {R"({"type":"string","pattern":"abc"})", "anchored"},
      {R"({"type":"string","pattern":"^(a)\\1$"})", "backreferences"},
      {R"({"type":"string","pattern":"^(?=a)a$"})", "lookaround"},
      {R"({"type":"string","maxLength":5000})", "maxLength"},
      {R"({"$ref":"https://example.com/x.json"})", "only local"},
      {R"({"$ref":"#/$defs/missing"})", "unresolvable $ref"},
      {R"({"type":"strin"})", "unsupported type 'strin'"},
      {R"({"type":"integer","maxLength":3})", "'maxLength' does not apply to type 'integer'"},
      {R"({"type":"object","properties":{"a":{"type":"string","nullable":true}}})", "'nullable'"},
      {R"({"anyOf":[{"type":"string"}],"properties":{}})", "alongside 'anyOf'"},
      {R"({"type":"integer","minimum":10,"maximum":1})", "empty"},
      {R"({"$ref":"#"})", "left recursion"},
  };
  for (const auto& [schema, expected] : cases) {
    std::string msg = conversion_error(schema);
    if (msg.empty()) {
      // Some problems only surface when the generated grammar is compiled.
      try {
        parse_gbnf(json_schema_to_gbnf(Json::parse(schema)));
      } catch (const GrammarError& e) {
        msg = e.what();
      }
    }
    EXPECT_NE(msg.find(expected), std::string::npos) << schema << "\nmessage: " << msg;
  }
  // Annotations are fine.
  EXPECT_EQ(
      conversion_error(
          R"({"title":"t","description":"d","$schema":"x","examples":[1],"default":1,"type":"integer"})"),
      "");
}

// Found by fuzz/grammar_fuzz.cc: a $ref cycle that consumes nothing used to convert to a
// left-recursive grammar that parse_gbnf then refused.
TEST(JsonSchema, RefCycleWithoutProgressIsASchemaError) {
  const auto schema = nlohmann::ordered_json::parse(
      R"({"$defs": {"n": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/n"}]}},
          "$ref": "#/$defs/n"})");
  EXPECT_THROW(json_schema_to_gbnf(schema), SchemaError);
}

// Found by fuzz/grammar_fuzz.cc: a bound beyond int64 was converted with undefined behaviour.
TEST(JsonSchema, HugeIntegerBoundsAreSchemaErrors) {
  EXPECT_THROW(json_schema_to_gbnf(Json::parse(R"({"type": "integer", "minimum": 1.5e65})")),
               SchemaError);
  EXPECT_THROW(json_schema_to_gbnf(Json::parse(R"({"type": "integer", "maximum": -1e300})")),
               SchemaError);
}

}  // namespace
}  // namespace tandem::grammar
