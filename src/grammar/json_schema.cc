#include "grammar/json_schema.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "grammar/gbnf_emit.h"
#include "grammar/gbnf_parser.h"
#include "grammar/int_range.h"
#include "grammar/json_schema_pattern.h"
#include "grammar/json_schema_primitives.h"

namespace tandem::grammar {
namespace {

using Json = nlohmann::ordered_json;

// Limits llama.cpp's GBNF parser also enforces (repetition work < 2000).
constexpr int64_t kMaxBound = 1999;
constexpr int kMaxDepth = 64;

const std::set<std::string> kAnnotations = {"title",    "description", "$schema", "$id",
                                            "$comment", "examples",    "default", "deprecated",
                                            "readOnly", "writeOnly",   "$defs",   "definitions"};
const std::set<std::string> kHandled = {"type",
                                        "properties",
                                        "required",
                                        "additionalProperties",
                                        "items",
                                        "prefixItems",
                                        "minItems",
                                        "maxItems",
                                        "enum",
                                        "const",
                                        "anyOf",
                                        "oneOf",
                                        "allOf",
                                        "$ref",
                                        "minLength",
                                        "maxLength",
                                        "pattern",
                                        "format",
                                        "minimum",
                                        "maximum",
                                        "exclusiveMinimum",
                                        "exclusiveMaximum"};
// Which type each constraint keyword applies to, for single-type sanity checks.
const std::map<std::string, std::string> kKeywordType = {
    {"properties", "object"}, {"required", "object"},         {"additionalProperties", "object"},
    {"items", "array"},       {"prefixItems", "array"},       {"minItems", "array"},
    {"maxItems", "array"},    {"minLength", "string"},        {"maxLength", "string"},
    {"pattern", "string"},    {"format", "string"},           {"minimum", "number"},
    {"maximum", "number"},    {"exclusiveMinimum", "number"}, {"exclusiveMaximum", "number"}};

std::string json_literal(const Json& v) {
  return gbnf_literal(v.dump(-1, ' ', false, Json::error_handler_t::strict));
}

std::string sanitize(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (ok || out.empty() || out.back() != '-') out += ok ? c : '-';  // collapse '-' runs
  }
  return out.empty() ? "x" : out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

class Converter {
 public:
  explicit Converter(const Json& root) : root_(root) {
    for (const PrimitiveRule& p : all_primitives()) taken_.insert(std::string(p.name));
    taken_.insert("root");
  }

  std::string run() {
    const std::string body = expr(root_, "root");
    define("root", body);
    std::string out;
    for (const auto& [name, rule_body] : rules_) out += name + " ::= " + rule_body + "\n";
    return out;
  }

 private:
  [[noreturn]] static void fail(const std::string& where, const std::string& what) {
    throw SchemaError("JSON schema at " + where + ": " + what);
  }

  std::string primitive(std::string_view name) {
    const PrimitiveRule* p = find_primitive(name);
    if (!defined_.count(std::string(name))) {
      defined_.insert(std::string(name));
      for (std::string_view dep : p->deps) primitive(dep);
      rules_.emplace_back(std::string(name), std::string(p->body));
    }
    return std::string(name);
  }

  std::string fresh_name(const std::string& hint) {
    std::string name = sanitize(hint);
    for (int i = 1; taken_.count(name); ++i) name = sanitize(hint) + "-" + std::to_string(i);
    taken_.insert(name);
    return name;
  }

  void define(const std::string& name, const std::string& body) {
    taken_.insert(name);
    defined_.insert(name);
    rules_.emplace_back(name, body);
  }

  // Named rule for a sub-schema; identical bodies share one rule.
  std::string rule_for(const Json& schema, const std::string& hint) {
    const std::string body = expr(schema, hint);
    if (auto it = by_body_.find(body); it != by_body_.end()) return it->second;
    const std::string name = fresh_name(hint);
    define(name, body);
    by_body_.emplace(body, name);
    return name;
  }

  const Json& resolve(const std::string& ref, const std::string& where) {
    if (ref.rfind("#/", 0) != 0 && ref != "#")
      fail(where, "unsupported $ref '" + ref + "' (only local #/... refs)");
    try {
      return root_.at(Json::json_pointer(ref.substr(1)));
    } catch (const std::exception&) {
      fail(where, "unresolvable $ref '" + ref + "'");
    }
  }

  std::string ref_rule(const std::string& ref, const std::string& where) {
    if (auto it = refs_.find(ref); it != refs_.end()) return it->second;
    const Json& target = resolve(ref, where);
    const std::string name =
        fresh_name(ref.size() > 2 ? ref.substr(ref.rfind('/') + 1) : "root-ref");
    refs_.emplace(ref, name);  // before visiting, so recursive schemas terminate
    define(name, "");          // placeholder keeps rule order stable
    const size_t slot = rules_.size() - 1;
    rules_[slot].second = expr(target, name);
    return name;
  }

  void check_keywords(const Json& s, const std::string& where) {
    for (const auto& [key, value] : s.items()) {
      if (!kAnnotations.count(key) && !kHandled.count(key)) {
        fail(where, "unsupported keyword '" + key + "'");
      }
    }
    if (s.contains("type") && s["type"].is_string()) {
      const std::string type = s["type"];
      for (const auto& [key, kind] : kKeywordType) {
        const bool applies = kind == type || (kind == "number" && type == "integer");
        if (s.contains(key) && !applies) {
          fail(where, "keyword '" + key + "' does not apply to type '" + type + "'");
        }
      }
    }
  }

  std::string expr(const Json& s, const std::string& name) {
    struct DepthGuard {
      int& d;
      explicit DepthGuard(int& depth) : d(depth) { ++d; }
      ~DepthGuard() { --d; }
    } guard(depth_);
    if (depth_ > kMaxDepth) fail(name, "schema nested too deeply");
    if (s.is_boolean()) {
      if (!s.get<bool>()) fail(name, "schema 'false' matches nothing");
      return primitive("value");
    }
    if (!s.is_object()) fail(name, "schema must be an object or a boolean");
    check_keywords(s, name);

    auto only = [&](std::initializer_list<const char*> allowed, const char* what) {
      for (const auto& [key, value] : s.items()) {
        if (kAnnotations.count(key)) continue;
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
          fail(name,
               std::string("keyword '") + key + "' alongside '" + what + "' is not supported");
        }
      }
    };
    if (s.contains("$ref")) {
      only({"$ref"}, "$ref");
      return ref_rule(s["$ref"].get<std::string>(), name);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      if (!s.contains(key)) continue;
      only({key}, key);  // oneOf exclusivity cannot be enforced; treated like anyOf
      std::vector<std::string> alts;
      for (size_t i = 0; i < s[key].size(); ++i) {
        alts.push_back(rule_for(s[key][i], name + "-" + std::to_string(i)));
      }
      if (alts.empty()) fail(name, std::string("empty '") + key + "'");
      return join(alts, " | ");
    }
    if (s.contains("allOf")) return expr(merge_all_of(s, name), name);
    if (s.contains("const")) {
      only({"const", "type"}, "const");
      return json_literal(s["const"]) + " " + primitive("space");
    }
    if (s.contains("enum")) {
      only({"enum", "type"}, "enum");
      std::vector<std::string> alts;
      for (const Json& v : s["enum"]) alts.push_back(json_literal(v));
      if (alts.empty()) fail(name, "empty 'enum'");
      return "(" + join(alts, " | ") + ") " + primitive("space");
    }
    if (s.contains("type") && s["type"].is_array()) {
      for (const auto& [key, kind] : kKeywordType) {  // a keyword must fit one of the types
        if (!s.contains(key)) continue;
        bool fits = false;
        for (const Json& t : s["type"]) fits |= t == kind || (kind == "number" && t == "integer");
        if (!fits)
          fail(name, "keyword '" + key + "' does not apply to any type of " + s["type"].dump());
      }
      std::vector<std::string> alts;
      for (const Json& t : s["type"]) {
        // Each branch keeps the keywords of its own type: ["string","null"] with maxLength
        // (OpenAI strict mode's optional field) bounds the string, not the null.
        Json branch = s;
        branch["type"] = t;
        if (t.is_string())
          for (const auto& [key, kind] : kKeywordType)
            if (kind != t.get<std::string>() && !(kind == "number" && t == "integer"))
              branch.erase(key);
        alts.push_back(rule_for(branch, name + "-" + t.get<std::string>()));
      }
      if (alts.empty()) fail(name, "empty 'type' array");
      return join(alts, " | ");
    }
    std::string type = s.value("type", "");
    if (type.empty()) type = infer_type(s);
    if (type == "object") return object_expr(s, name);
    if (type == "array") return array_expr(s, name);
    if (type == "string") return string_expr(s, name);
    if (type == "integer") return integer_expr(s, name);
    if (type == "number") {
      for (const char* k : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
        if (s.contains(k))
          fail(name, std::string("keyword '") + k + "' is only supported for integers");
      }
      return primitive("number");
    }
    if (type == "boolean" || type == "null") return primitive(type);
    if (type == "any") return primitive("value");
    fail(name, "unsupported type '" + type + "'");
  }

  static std::string infer_type(const Json& s) {
    for (const auto& [key, kind] : kKeywordType) {
      if (s.contains(key)) return kind;
    }
    return "any";
  }

  // allOf of object schemas: union of properties and required lists.
  Json merge_all_of(const Json& s, const std::string& name) {
    Json merged = Json::object();
    merged["type"] = "object";
    merged["properties"] = Json::object();
    merged["required"] = Json::array();
    auto absorb = [&](const Json& part, auto& self) -> void {
      const Json& p = part.contains("$ref") ? resolve(part["$ref"], name) : part;
      if (!p.is_object()) fail(name, "allOf members must be object schemas");
      for (const auto& [key, value] : p.items()) {
        if (key == "properties") {
          for (const auto& [k, v] : value.items()) merged["properties"][k] = v;
        } else if (key == "required") {
          for (const Json& r : value) merged["required"].push_back(r);
        } else if (key == "allOf") {
          for (const Json& sub : value) self(sub, self);
        } else if (key == "type" && value == "object") {
        } else if (key == "additionalProperties") {
          merged["additionalProperties"] = value;
        } else if (!kAnnotations.count(key) && key != "$ref") {
          fail(name,
               "keyword '" + key + "' inside allOf is not supported (only object schemas merge)");
        }
      }
    };
    absorb(s, absorb);
    merged.erase("allOf");
    return merged;
  }

  std::string kv_rule(const std::string& key, const Json& value_schema, const std::string& name) {
    const std::string value = rule_for(value_schema, name);
    const std::string body = json_literal(Json(key)) + " space \":\" space " + value;
    primitive("space");
    if (auto it = by_body_.find(body); it != by_body_.end()) return it->second;
    const std::string kv = fresh_name(name + "-kv");
    define(kv, body);
    by_body_.emplace(body, kv);
    return kv;
  }

  std::string object_expr(const Json& s, const std::string& name) {
    const bool has_props = s.contains("properties");
    const Json additional = s.value("additionalProperties", Json(false));
    if (!has_props && !s.contains("additionalProperties")) return primitive("object");
    const Json props = s.value("properties", Json::object());
    std::set<std::string> required;
    for (const Json& r : s.value("required", Json::array())) required.insert(r.get<std::string>());
    for (const std::string& r : required) {
      if (!props.contains(r))
        fail(name, "required property '" + r + "' has no schema in 'properties'");
    }
    std::vector<std::string> req_kvs, opt_kvs;
    for (const auto& [key, value] : props.items()) {
      (required.count(key) ? req_kvs : opt_kvs).push_back(kv_rule(key, value, name + "-" + key));
    }
    std::string extra;  // rule for one additional key/value pair
    if (!additional.is_boolean() || additional.get<bool>()) {
      std::vector<std::string> names;
      for (const auto& [key, value] : props.items()) names.push_back(key);
      const std::string value =
          additional.is_boolean() ? primitive("value") : rule_for(additional, name + "-additional");
      extra = fresh_name(name + "-additional-kv");
      primitive("char");
      define(extra, json_key_excluding_gbnf(names) + " \":\" space " + value);
    }
    primitive("space");
    std::string body = "\"{\" space";
    for (size_t i = 0; i < req_kvs.size(); ++i) body += (i ? " \",\" space " : " ") + req_kvs[i];
    // Optional properties may appear in declared order, each at most once; then extras.
    auto tail_from = [&](size_t i) {
      std::string t;
      for (size_t j = i; j < opt_kvs.size(); ++j) t += " (\",\" space " + opt_kvs[j] + ")?";
      if (!extra.empty()) t += " (\",\" space " + extra + ")*";
      return t;
    };
    if (!req_kvs.empty()) {
      body += tail_from(0);
    } else if (!opt_kvs.empty() || !extra.empty()) {
      std::vector<std::string> starts;
      for (size_t i = 0; i < opt_kvs.size(); ++i) starts.push_back(opt_kvs[i] + tail_from(i + 1));
      if (!extra.empty()) starts.push_back(extra + " (\",\" space " + extra + ")*");
      body += " (" + join(starts, " | ") + ")?";
    }
    return body + " \"}\" space";
  }

  static int64_t bound(const Json& s, const char* key, int64_t dflt, const std::string& where) {
    if (!s.contains(key)) return dflt;
    if (!s[key].is_number_integer() || s[key].get<int64_t>() < 0) {
      fail(where, std::string("'") + key + "' must be a non-negative integer");
    }
    return s[key].get<int64_t>();
  }

  // item (sep item){min-1,max-1}, with the bounds checked against the GBNF limit.
  // max < 0: unbounded.
  std::string repetition(const std::string& item, int64_t min, int64_t max, const std::string& sep,
                         const std::string& where, const char* key) {
    if (max >= 0 && max < min) fail(where, std::string("'") + key + "' bounds are inconsistent");
    if (min > kMaxBound || max > kMaxBound) {
      fail(where,
           std::string("'") + key + "' bound above the supported " + std::to_string(kMaxBound));
    }
    if (max == 0) return "";
    const std::string more = sep.empty() ? item : "(" + sep + " " + item + ")";
    const std::string upper = max > 0 ? std::to_string(max - 1) : "";
    std::string out =
        item + " " + more + "{" + std::to_string(std::max<int64_t>(min - 1, 0)) + "," + upper + "}";
    return min == 0 ? "(" + out + ")?" : out;
  }

  std::string array_expr(const Json& s, const std::string& name) {
    primitive("space");
    const int64_t min = bound(s, "minItems", 0, name);
    const int64_t max = bound(s, "maxItems", -1, name);  // -1: unbounded
    if (s.contains("prefixItems")) {
      if (s.contains("minItems") || s.contains("maxItems")) {
        fail(name, "'minItems'/'maxItems' together with 'prefixItems' are not supported");
      }
      std::vector<std::string> parts;
      for (size_t i = 0; i < s["prefixItems"].size(); ++i) {
        parts.push_back(rule_for(s["prefixItems"][i], name + "-" + std::to_string(i)));
      }
      std::string body = "\"[\" space " + join(parts, " \",\" space ");
      if (s.contains("items") && !(s["items"].is_boolean() && !s["items"].get<bool>())) {
        body += " (\",\" space " + rule_for(s["items"], name + "-item") + ")*";
      }
      return body + " \"]\" space";
    }
    const std::string item =
        s.contains("items") ? rule_for(s["items"], name + "-item") : primitive("value");
    return "\"[\" space " + repetition(item, min, max, "\",\" space", name, "minItems/maxItems") +
           " \"]\" space";
  }

  std::string string_expr(const Json& s, const std::string& name) {
    primitive("space");
    if (s.contains("format")) {
      const std::string format = s["format"];
      if (s.contains("pattern") || s.contains("minLength") || s.contains("maxLength")) {
        fail(name, "'format' combined with other string constraints is not supported");
      }
      if (format == "date" || format == "time" || format == "date-time")
        return primitive(format + "-string");
      if (format == "uuid") return primitive("uuid");
      fail(name, "unsupported keyword 'format' value '" + format + "'");
    }
    if (s.contains("pattern")) {
      if (s.contains("minLength") || s.contains("maxLength")) {
        fail(name, "'pattern' combined with 'minLength'/'maxLength' is not supported");
      }
      return "\"\\\"\" " + pattern_to_gbnf(s["pattern"].get<std::string>()) + " \"\\\"\" space";
    }
    const int64_t min = bound(s, "minLength", 0, name);
    const std::optional<int64_t> max =
        s.contains("maxLength") ? std::optional(bound(s, "maxLength", 0, name)) : std::nullopt;
    if (max && *max < min) fail(name, "'minLength' is above 'maxLength'");
    if (min > kMaxBound || (max && *max > kMaxBound)) {
      fail(name, "'minLength'/'maxLength' above the supported " + std::to_string(kMaxBound));
    }
    const std::string chars =
        "char{" + std::to_string(min) + "," + (max ? std::to_string(*max) : "") + "}";
    primitive("char");
    return "\"\\\"\" " + chars + " \"\\\"\" space";
  }

  std::string integer_expr(const Json& s, const std::string& name) {
    std::optional<int64_t> lo, hi;
    auto read = [&](const char* key, int64_t adjust, std::optional<int64_t>& out, bool is_min) {
      if (!s.contains(key)) return;
      const Json& v = s[key];
      if (!v.is_number()) fail(name, std::string("'") + key + "' must be a number");
      const double d = v.get<double>();
      // Bounds beyond +-2^62 cannot be integers we emit (and would overflow the conversion).
      if (!(std::fabs(d) < 4.6e18)) fail(name, std::string("'") + key + "' is out of range");
      // Round toward the inside of the range for non-integral bounds.
      int64_t b = static_cast<int64_t>(is_min ? std::ceil(d) : std::floor(d));
      if (adjust != 0 && static_cast<double>(b) == d) b += adjust;
      out = out ? (is_min ? std::max(*out, b) : std::min(*out, b)) : b;
    };
    read("minimum", 0, lo, true);
    read("exclusiveMinimum", 1, lo, true);
    read("maximum", 0, hi, false);
    read("exclusiveMaximum", -1, hi, false);
    if (!lo && !hi) return primitive("integer");
    primitive("space");
    try {
      return int_range_gbnf(lo, hi) + " space";
    } catch (const GrammarError& e) {
      fail(name, e.what());
    }
  }

  const Json& root_;
  std::vector<std::pair<std::string, std::string>> rules_;
  std::set<std::string> taken_, defined_;
  std::map<std::string, std::string> by_body_, refs_;
  int depth_ = 0;
};

}  // namespace

std::string json_schema_to_gbnf(const nlohmann::ordered_json& schema) {
  std::string gbnf = Converter(schema).run();
  // A $ref cycle that consumes nothing (a: anyOf[null, $ref a]) converts to a left-recursive
  // grammar; the schema is refused here rather than handing out a grammar that does not parse.
  try {
    (void)parse_gbnf(gbnf);
  } catch (const GrammarError& e) {
    throw SchemaError(std::string("the schema cannot be expressed as a grammar: ") + e.what());
  }
  return gbnf;
}

std::string json_schema_to_gbnf(const nlohmann::json& schema) {
  return json_schema_to_gbnf(nlohmann::ordered_json::parse(schema.dump()));
}

std::string json_object_gbnf() {
  return json_schema_to_gbnf(nlohmann::ordered_json{{"type", "object"}});
}

}  // namespace tandem::grammar
