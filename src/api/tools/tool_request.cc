#include "api/tools/tool_request.h"

#include <set>

#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::ordered_json;

bool valid_function_name(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

ordered_json parse_tool(const ordered_json& t, const std::string& param) {
  if (!t.is_object()) throw http::bad_field(param, "each tool must be an object");
  const auto type = t.find("type");
  if (type == t.end() || !type->is_string() || *type != "function")
    throw http::bad_field(param + ".type", "only tools of type 'function' are supported");
  const auto fn = t.find("function");
  if (fn == t.end() || !fn->is_object())
    throw http::bad_field(param + ".function", "'function' must be an object");
  const auto name = fn->find("name");
  if (name == fn->end() || !name->is_string() || !valid_function_name(name->get<std::string>()))
    throw http::bad_field(param + ".function.name",
                          "the function name must be 1-64 characters of a-z, A-Z, 0-9, _ or -");
  ordered_json f = {{"name", *name}};
  if (auto d = fn->find("description"); d != fn->end() && !d->is_null()) {
    if (!d->is_string())
      throw http::bad_field(param + ".function.description", "'description' must be a string");
    f["description"] = *d;
  }
  ordered_json params = {{"type", "object"}, {"properties", ordered_json::object()}};
  if (auto p = fn->find("parameters"); p != fn->end() && !p->is_null()) {
    if (!p->is_object())
      throw http::bad_field(param + ".function.parameters",
                            "'parameters' must be a JSON Schema object");
    params = *p;
  }
  f["parameters"] = std::move(params);
  if (auto s = fn->find("strict"); s != fn->end() && !s->is_null()) {
    if (!s->is_boolean())
      throw http::bad_field(param + ".function.strict", "'strict' must be a boolean");
    f["strict"] = *s;
  }
  return {{"type", "function"}, {"function", std::move(f)}};
}

}  // namespace

ToolSpec parse_tools(const ordered_json& body) {
  ToolSpec spec;
  if (auto t = body.find("tools"); t != body.end() && !t->is_null()) {
    if (!t->is_array()) throw http::bad_field("tools", "'tools' must be a list");
    if (t->size() > 128) throw http::bad_field("tools", "at most 128 tools are supported");
    spec.tools = ordered_json::array();
    std::set<std::string> seen;
    for (size_t i = 0; i < t->size(); ++i) {
      const std::string param = "tools[" + std::to_string(i) + "]";
      ordered_json tool = parse_tool((*t)[i], param);
      const std::string name = tool["function"]["name"];
      if (!seen.insert(name).second)
        throw http::bad_field(param + ".function.name", "duplicate function name '" + name + "'");
      spec.names.push_back(name);
      spec.tools.push_back(std::move(tool));
    }
    if (spec.names.empty()) spec.tools = nullptr;
  }
  if (auto c = body.find("tool_choice"); c != body.end() && !c->is_null()) {
    if (c->is_string()) {
      const std::string s = *c;
      if (s == "auto")
        spec.choice = ToolChoiceMode::kAuto;
      else if (s == "none")
        spec.choice = ToolChoiceMode::kNone;
      else if (s == "required")
        spec.choice = ToolChoiceMode::kRequired;
      else
        throw http::bad_field("tool_choice",
                              "'tool_choice' must be auto, none, required or a named function");
    } else if (c->is_object()) {
      const auto fn = c->find("function");
      const ordered_json* name = nullptr;
      if (fn != c->end() && fn->is_object())
        if (auto n = fn->find("name"); n != fn->end()) name = &*n;
      if (c->value("type", "") != "function" || !name || !name->is_string())
        throw http::bad_field("tool_choice",
                              "a named tool_choice is {\"type\":\"function\",\"function\":"
                              "{\"name\":...}}");
      spec.choice = ToolChoiceMode::kNamed;
      spec.forced_name = *name;
      if (std::find(spec.names.begin(), spec.names.end(), spec.forced_name) == spec.names.end())
        throw http::bad_field("tool_choice", "tool_choice names the function '" + spec.forced_name +
                                                 "', which is not in 'tools'");
    } else {
      throw http::bad_field("tool_choice",
                            "'tool_choice' must be auto, none, required or a named function");
    }
    if (spec.choice == ToolChoiceMode::kRequired && spec.names.empty())
      throw http::bad_field("tool_choice", "tool_choice 'required' needs a non-empty 'tools'");
  }
  if (auto p = body.find("parallel_tool_calls"); p != body.end() && !p->is_null()) {
    if (!p->is_boolean())
      throw http::bad_field("parallel_tool_calls", "'parallel_tool_calls' must be a boolean");
    spec.parallel = p->get<bool>();
  }
  return spec;
}

std::vector<templates::ToolCall> parse_message_tool_calls(const nlohmann::json& calls,
                                                          const std::string& param) {
  if (!calls.is_array()) throw http::bad_field(param, "'tool_calls' must be a list");
  std::vector<templates::ToolCall> out;
  for (size_t i = 0; i < calls.size(); ++i) {
    const nlohmann::json& c = calls[i];
    const std::string p = param + "[" + std::to_string(i) + "]";
    if (!c.is_object()) throw http::bad_field(p, "each tool call must be an object");
    if (c.contains("type") && c["type"] != "function")
      throw http::bad_field(p + ".type", "only tool calls of type 'function' are supported");
    const auto id = c.find("id");
    if (id == c.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
      throw http::bad_field(p + ".id", "each tool call needs a non-empty string 'id'");
    const auto fn = c.find("function");
    if (fn == c.end() || !fn->is_object() || !fn->contains("name") || !(*fn)["name"].is_string())
      throw http::bad_field(p + ".function", "'function' must be an object with a string 'name'");
    templates::ToolCall call{id->get<std::string>(), (*fn)["name"].get<std::string>(), "{}"};
    if (auto a = fn->find("arguments"); a != fn->end() && !a->is_null()) {
      if (a->is_string())
        call.arguments = a->get<std::string>();
      else if (a->is_object())
        call.arguments = a->dump();
      else
        throw http::bad_field(p + ".function.arguments", "'arguments' must be a JSON string");
    }
    out.push_back(std::move(call));
  }
  return out;
}

void check_tool_results(const std::vector<templates::ChatMessage>& messages) {
  std::set<std::string> called;
  for (size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    for (const auto& c : m.tool_calls) called.insert(c.id);
    if (m.role != "tool") continue;
    const std::string param = "messages[" + std::to_string(i) + "].tool_call_id";
    if (m.tool_call_id.empty())
      throw http::bad_field(param, "a tool message needs the 'tool_call_id' it answers");
    if (!called.count(m.tool_call_id))
      throw http::bad_field(param, "tool_call_id '" + m.tool_call_id +
                                       "' does not match a tool call of an earlier assistant "
                                       "message");
  }
}

}  // namespace tandem::api
