#include "api/responses/responses_request.h"

#include "http/api_error.h"

namespace tandem::api {
namespace {

using ojson = nlohmann::ordered_json;
using http::bad_field;

const ojson* field(const ojson& o, const char* name) {
  auto it = o.find(name);
  return it == o.end() || it->is_null() ? nullptr : &*it;
}

std::string at(const std::string& base, size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

std::string required_string(const ojson& o, const char* name, const std::string& where) {
  const ojson* v = field(o, name);
  if (!v || !v->is_string())
    throw bad_field(where + "." + name, std::string("'") + name + "' must be a string");
  return v->get<std::string>();
}

const ojson* typed(const ojson& b, const char* name, bool (ojson::*is)() const noexcept,
                   const char* what) {
  const ojson* v = field(b, name);
  if (v && !((*v).*is)()) throw bad_field(name, std::string("'") + name + "' must be " + what);
  return v;
}

// One text part's text (p: its param path).
std::string part_text(const ojson& part, const std::string& p) {
  if (!part.is_object()) throw bad_field(p, "each content part must be an object");
  const ojson* t = field(part, "type");
  const std::string type = t && t->is_string() ? t->get<std::string>() : "";
  if (type == "input_text" || type == "output_text" || type == "text")
    return required_string(part, "text", p);
  if (type == "refusal") return required_string(part, "refusal", p);
  throw bad_field(p + ".type",
                  "only text and image content parts (input_text, output_text, input_image) are "
                  "supported, not '" +
                      type + "'");
}

// A content: a string or text parts (input_text in user/system turns, output_text in
// assistant ones; chat's "text" too). input_image parts become chat image_url parts
// (chat_parts); files and audio have no path to the model.
std::string content_text(const ojson& c, const std::string& param) {
  if (c.is_string()) return c.get<std::string>();
  if (!c.is_array()) throw bad_field(param, "content must be a string or a list of text parts");
  std::string text;
  for (size_t j = 0; j < c.size(); ++j) text += part_text(c[j], at(param, j));
  return text;
}

// A user/system content holding input_image parts: chat content parts (text and image_url),
// so the image reaches the model the way a chat request's would.
bool has_image(const ojson& c) {
  if (!c.is_array()) return false;
  for (const ojson& part : c)
    if (part.is_object() && part.value("type", "") == "input_image") return true;
  return false;
}

ojson chat_parts(const ojson& c, const std::string& param) {
  ojson parts = ojson::array();
  for (size_t j = 0; j < c.size(); ++j) {
    const ojson& part = c[j];
    const std::string p = at(param, j);
    if (part.is_object() && part.value("type", "") == "input_image") {
      const ojson* url = field(part, "image_url");
      if (!url || !url->is_string())
        throw bad_field(p + ".image_url",
                        "input_image needs 'image_url' (a data: URL); file_id is not supported");
      if (!url->get<std::string>().starts_with("data:"))
        throw http::ApiError(400,
                             "only data: URLs are accepted for images (the edge fetches nothing)",
                             "invalid_request_error", p + ".image_url", "unsupported_media_url");
      parts.push_back({{"type", "image_url"}, {"image_url", {{"url", *url}}}});
    } else {
      parts.push_back({{"type", "text"}, {"text", part_text(part, p)}});
    }
  }
  return parts;
}

ojson message(const ojson& item, const std::string& param) {
  const ojson* role = field(item, "role");
  if (!role || !role->is_string()) throw bad_field(param + ".role", "'role' must be a string");
  std::string r = role->get<std::string>();
  if (r == "developer") r = "system";  // what every chat server (and template) knows
  if (r != "user" && r != "system" && r != "assistant")
    throw bad_field(param + ".role", "role must be user, system, developer or assistant, not '" +
                                         role->get<std::string>() + "'");
  const ojson* c = field(item, "content");
  if (!c) throw bad_field(param + ".content", "'content' is required");
  if (r != "assistant" && has_image(*c))
    return {{"role", r}, {"content", chat_parts(*c, param + ".content")}};
  return {{"role", r}, {"content", content_text(*c, param + ".content")}};
}

ojson tool_call(const ojson& item, const std::string& param) {
  ojson fn = {{"name", required_string(item, "name", param)},
              {"arguments", required_string(item, "arguments", param)}};
  return {{"id", required_string(item, "call_id", param)}, {"type", "function"}, {"function", fn}};
}

// Responses items -> chat messages. Consecutive function_call items (parallel calls) join
// the assistant turn before them, which is how chat represents one turn's calls.
void add_input(const ojson& input, ojson& messages) {
  if (input.is_string()) {
    messages.push_back({{"role", "user"}, {"content", input}});
    return;
  }
  if (!input.is_array() || input.empty())
    throw bad_field("input", "'input' must be a string or a non-empty list of items");
  for (size_t i = 0; i < input.size(); ++i) {
    const ojson& item = input[i];
    const std::string param = at("input", i);
    if (!item.is_object()) throw bad_field(param, "each input item must be an object");
    const ojson* t = field(item, "type");
    if (t && !t->is_string()) throw bad_field(param + ".type", "'type' must be a string");
    const std::string type = t ? t->get<std::string>() : "message";  // {role, content} alone
    if (type == "message") {
      messages.push_back(message(item, param));
    } else if (type == "function_call") {
      ojson call = tool_call(item, param);
      if (!messages.empty() && messages.back().value("role", "") == "assistant") {
        ojson& turn = messages.back();
        if (!turn.contains("tool_calls")) turn["tool_calls"] = ojson::array();
        turn["tool_calls"].push_back(std::move(call));
      } else {
        messages.push_back(
            {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", ojson::array({call})}});
      }
    } else if (type == "function_call_output") {
      const ojson* out = field(item, "output");
      if (!out) throw bad_field(param + ".output", "'output' is required");
      messages.push_back({{"role", "tool"},
                          {"tool_call_id", required_string(item, "call_id", param)},
                          {"content", content_text(*out, param + ".output")}});
    } else if (type == "reasoning") {
      continue;  // never produced here; a model's own reasoning is not replayed
    } else if (type == "item_reference") {  // resolve_input replaces the stored ones
      throw bad_field(param + ".id", "the item this item_reference names is not stored");
    } else {
      throw bad_field(param + ".type", "unsupported input item type '" + type +
                                           "' (message, function_call and "
                                           "function_call_output are supported)");
    }
  }
}

ojson chat_tools(const ojson& tools) {
  ojson out = ojson::array();
  for (size_t i = 0; i < tools.size(); ++i) {
    const ojson& t = tools[i];
    const std::string p = at("tools", i);
    if (!t.is_object()) throw bad_field(p, "each tool must be an object");
    const ojson* type = field(t, "type");
    const std::string ty = type && type->is_string() ? type->get<std::string>() : "";
    if (ty != "function")
      throw bad_field(p + ".type", "only function tools are supported, not '" + ty +
                                       "' (built-in tools run on OpenAI's own servers)");
    ojson fn = {{"name", required_string(t, "name", p)}};
    if (const ojson* d = field(t, "description")) {
      if (!d->is_string()) throw bad_field(p + ".description", "'description' must be a string");
      fn["description"] = *d;
    }
    if (const ojson* ps = field(t, "parameters")) {
      if (!ps->is_object())
        throw bad_field(p + ".parameters", "'parameters' must be a JSON Schema object");
      fn["parameters"] = *ps;
    }
    if (const ojson* s = field(t, "strict")) {
      if (!s->is_boolean()) throw bad_field(p + ".strict", "'strict' must be a boolean");
      fn["strict"] = *s;
    }
    out.push_back({{"type", "function"}, {"function", fn}});
  }
  return out;
}

ojson chat_tool_choice(const ojson& c) {
  if (c.is_string() && (c == "auto" || c == "none" || c == "required")) return c;
  if (c.is_object() && c.value("type", "") == "function")
    return {{"type", "function"},
            {"function", {{"name", required_string(c, "name", "tool_choice")}}}};
  throw bad_field("tool_choice",
                  "'tool_choice' must be \"auto\", \"none\", \"required\" or "
                  "{\"type\":\"function\",\"name\":...}");
}

// text.format -> chat response_format (null: free text, nothing to send).
ojson response_format(const ojson& text) {
  const ojson* f = field(text, "format");
  if (!f) return nullptr;
  if (!f->is_object()) throw bad_field("text.format", "'text.format' must be an object");
  const ojson* t = field(*f, "type");
  const std::string type = t && t->is_string() ? t->get<std::string>() : "";
  if (type == "text") return nullptr;
  if (type == "json_object") return {{"type", "json_object"}};
  if (type != "json_schema")
    throw bad_field(
        "text.format.type",
        "'text.format.type' must be text, json_object or json_schema, not '" + type + "'");
  ojson js = ojson::object();
  js["name"] = field(*f, "name") ? required_string(*f, "name", "text.format") : "response";
  if (field(*f, "description"))
    js["description"] = required_string(*f, "description", "text.format");
  const ojson* schema = field(*f, "schema");
  if (!schema || !schema->is_object())
    throw bad_field("text.format.schema", "'text.format.schema' must be a JSON Schema object");
  js["schema"] = *schema;
  if (const ojson* s = field(*f, "strict")) {
    if (!s->is_boolean()) throw bad_field("text.format.strict", "'strict' must be a boolean");
    js["strict"] = *s;
  }
  return {{"type", "json_schema"}, {"json_schema", js}};
}

// Server-side state this server does not keep (stored responses it does: response_store.h).
void reject_stored_state(const ojson& b) {
  if (field(b, "conversation"))
    throw bad_field("conversation",
                    "'conversation' is not supported: continue a conversation with "
                    "'previous_response_id', or send it whole in 'input'");
  if (field(b, "prompt"))
    throw bad_field("prompt",
                    "stored prompt templates ('prompt') are not supported; send the "
                    "text in 'instructions' and 'input'");
  if (const ojson* bg = typed(b, "background", &ojson::is_boolean, "a boolean"); bg && *bg == true)
    throw bad_field("background", "background responses are not supported");
}

ojson or_default(const ojson* v, ojson def) {
  return v ? *v : std::move(def);
}

}  // namespace

ResponsesRequest responses_to_chat(const ojson& b) {
  reject_stored_state(b);
  ResponsesRequest r;
  ojson& chat = r.chat = ojson::object();
  if (const ojson* m = typed(b, "model", &ojson::is_string, "a string")) {
    r.model = m->get<std::string>();
    chat["model"] = *m;
  }
  ojson messages = ojson::array();
  const ojson* instructions = typed(b, "instructions", &ojson::is_string, "a string");
  if (instructions) messages.push_back({{"role", "system"}, {"content", *instructions}});
  const ojson* input = field(b, "input");
  if (!input) throw bad_field("input", "'input' is required");
  add_input(*input, messages);
  chat["messages"] = std::move(messages);

  const ojson* tools = typed(b, "tools", &ojson::is_array, "a list");
  const ojson* choice = field(b, "tool_choice");
  const ojson* parallel = typed(b, "parallel_tool_calls", &ojson::is_boolean, "a boolean");
  ojson chat_choice = choice ? chat_tool_choice(*choice) : ojson(nullptr);
  if (tools && !tools->empty()) {  // without tools, a choice among them means nothing
    chat["tools"] = chat_tools(*tools);
    if (choice) chat["tool_choice"] = chat_choice;
    if (parallel) chat["parallel_tool_calls"] = *parallel;
  }
  const ojson* text = typed(b, "text", &ojson::is_object, "an object");
  if (text)
    if (ojson rf = response_format(*text); !rf.is_null()) chat["response_format"] = std::move(rf);
  const ojson* max_out = field(b, "max_output_tokens");
  if (max_out) {
    if (!max_out->is_number_integer() || max_out->get<int64_t>() < 1)
      throw bad_field("max_output_tokens", "'max_output_tokens' must be an integer >= 1");
    chat["max_tokens"] = *max_out;
  }
  // Same names and meaning in both APIs (the chat handler validates them); the last ones
  // are Tandem's chat extensions, accepted here too.
  for (const char* k : {"temperature", "top_p", "seed", "user", "top_k", "min_p", "repeat_penalty",
                        "presence_penalty", "frequency_penalty", "stop"})
    if (const ojson* v = field(b, k)) chat[k] = *v;
  if (const ojson* s = typed(b, "stream", &ojson::is_boolean, "a boolean")) r.stream = *s == true;
  if (r.stream) {
    chat["stream"] = true;
    chat["stream_options"] = {{"include_usage", true}};  // response.completed carries usage
  }
  // OpenAI stores by default; serve_responses keeps the answer when this is true.
  const ojson* store = typed(b, "store", &ojson::is_boolean, "a boolean");
  r.store = !store || *store == true;
  // Already resolved into the input (responses_context.h); only repeated back here.
  if (const ojson* p = typed(b, "previous_response_id", &ojson::is_string, "a string"))
    r.previous_response_id = p->get<std::string>();
  const ojson* metadata = typed(b, "metadata", &ojson::is_object, "an object");
  const ojson* reasoning = typed(b, "reasoning", &ojson::is_object, "an object");

  ojson& e = r.echo = ojson::object();
  e["instructions"] = or_default(instructions, nullptr);
  e["max_output_tokens"] = or_default(max_out, nullptr);
  e["metadata"] = or_default(metadata, ojson::object());
  e["parallel_tool_calls"] = or_default(parallel, true);
  e["reasoning"] = {
      {"effort", reasoning ? or_default(field(*reasoning, "effort"), nullptr) : ojson(nullptr)},
      {"summary", nullptr}};
  e["store"] = r.store;
  e["temperature"] = or_default(field(b, "temperature"), nullptr);
  e["text"] = or_default(text, {{"format", {{"type", "text"}}}});
  e["tool_choice"] = or_default(choice, "auto");
  e["tools"] = or_default(tools, ojson::array());
  e["top_p"] = or_default(field(b, "top_p"), nullptr);
  if (const ojson* u = field(b, "user")) e["user"] = *u;
  return r;
}

}  // namespace tandem::api
