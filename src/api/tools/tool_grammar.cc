#include "api/tools/tool_grammar.h"

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::ordered_json;

// A parameter schema moved under $defs/<def>: its local refs must follow it.
void rebase_refs(ordered_json& s, const std::string& def) {
  if (s.is_object()) {
    for (auto it = s.begin(); it != s.end(); ++it) {
      if (it.key() == "$ref" && it->is_string()) {
        const std::string ref = *it;
        if (ref == "#")
          *it = "#/$defs/" + def;
        else if (ref.rfind("#/", 0) == 0)
          *it = "#/$defs/" + def + ref.substr(1);
      } else {
        rebase_refs(*it, def);
      }
    }
  } else if (s.is_array()) {
    for (auto& v : s) rebase_refs(v, def);
  }
}

// One JSON Schema for a single call of any allowed function.
ordered_json call_schema(ToolFormat f, const ToolSpec& spec) {
  const char* args_key = f == ToolFormat::kLlama3 ? "parameters" : "arguments";
  ordered_json defs = ordered_json::object();
  ordered_json variants = ordered_json::array();
  for (size_t i = 0; i < spec.tools.size(); ++i) {
    const ordered_json& fn = spec.tools[i]["function"];
    const std::string name = fn["name"];
    if (spec.choice == ToolChoiceMode::kNamed && name != spec.forced_name) continue;
    const std::string def = "tool-" + std::to_string(i);
    ordered_json params = fn["parameters"];
    rebase_refs(params, def);
    defs[def] = std::move(params);
    variants.push_back(
        {{"type", "object"},
         {"properties", {{"name", {{"const", name}}}, {args_key, {{"$ref", "#/$defs/" + def}}}}},
         {"required", {"name", args_key}}});
  }
  ordered_json call = variants.size() == 1 ? variants[0] : ordered_json{{"anyOf", variants}};
  if (f == ToolFormat::kGeneric || f == ToolFormat::kMistral) {
    ordered_json list = {{"type", "array"}, {"items", std::move(call)}, {"minItems", 1}};
    if (!spec.parallel) list["maxItems"] = 1;
    call = f == ToolFormat::kMistral ? std::move(list)
                                     : ordered_json{{"type", "object"},
                                                    {"properties", {{"tool_calls", list}}},
                                                    {"required", {"tool_calls"}}};
  }
  call["$defs"] = std::move(defs);
  return call;
}

// Names the tool whose parameters the converter refused (its message names the keyword).
[[noreturn]] void schema_error(const ToolSpec& spec, const std::string& what) {
  for (size_t i = 0; i < spec.tools.size(); ++i) {
    try {
      grammar::json_schema_to_gbnf(spec.tools[i]["function"]["parameters"]);
    } catch (const std::exception& e) {
      throw http::bad_field("tools[" + std::to_string(i) + "].function.parameters",
                            std::string("unsupported JSON schema: ") + e.what());
    }
  }
  throw http::bad_field("tools", "the tool-call grammar failed: " + what);
}

}  // namespace

std::string forced_tool_call_gbnf(ToolFormat f, const ToolSpec& spec) {
  std::string json_rules;
  try {
    json_rules = grammar::json_schema_to_gbnf(call_schema(f, spec));
  } catch (const std::exception& e) {
    schema_error(spec, e.what());
  }
  // The converter's root becomes the call value; the family's framing is the new root.
  const std::string old_root = "root ::= ";
  const size_t at = json_rules.rfind("\n" + old_root) != std::string::npos
                        ? json_rules.rfind("\n" + old_root) + 1
                        : (json_rules.rfind(old_root, 0) == 0 ? 0 : std::string::npos);
  if (at == std::string::npos) throw std::logic_error("JSON Schema grammar without a root rule");
  json_rules.replace(at, old_root.size(), "tool-call-json ::= ");
  // Calls are machine-read: one optional blank between tokens instead of llama.cpp's
  // newline + 20 blanks, which small models fill until max_tokens cuts the call.
  const std::string space_rule = "space ::= | \" \" | \"\\n\" [ \\t]{0,20}\n";
  if (const size_t sp = json_rules.find(space_rule); sp != std::string::npos)
    json_rules.replace(sp, space_rule.size(), "space ::= \" \"?\n");
  std::string root;
  switch (f) {
    case ToolFormat::kHermes:
      root = "tool-call-block ::= \"<tool_call>\\n\" tool-call-json \"\\n</tool_call>\"\n";
      root += spec.parallel ? "root ::= tool-call-block (\"\\n\" tool-call-block)*\n"
                            : "root ::= tool-call-block\n";
      break;
    case ToolFormat::kMistral:
      root = "root ::= \"[TOOL_CALLS]\" tool-call-json\n";
      break;
    case ToolFormat::kLlama3:
    case ToolFormat::kGeneric:
      root = "root ::= tool-call-json\n";
      break;
  }
  return root + json_rules;
}

std::shared_ptr<const grammar::Grammar> forced_tool_call_grammar(ToolFormat f,
                                                                 const ToolSpec& spec) {
  const std::string gbnf = forced_tool_call_gbnf(f, spec);
  try {
    return grammar::parse_gbnf_shared(gbnf);
  } catch (const grammar::GrammarError& e) {
    schema_error(spec, e.what());
  }
}

std::shared_ptr<const grammar::Grammar> answer_grammar(const ChatRequest& r, ToolFormat f) {
  if (!r.tools.forced()) return r.gen.grammar;
  if (r.gen.grammar)
    throw http::bad_field("tool_choice",
                          "a required or named tool_choice cannot be combined with "
                          "response_format or grammar");
  return forced_tool_call_grammar(f, r.tools);
}

}  // namespace tandem::api
