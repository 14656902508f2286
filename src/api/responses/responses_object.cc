#include "api/responses/responses_object.h"

#include <cstring>

#include "api/openai_response.h"

namespace tandem::api {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

std::string str(const json& o, const char* k) {
  return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : "";
}

}  // namespace

std::string responses_id(const char* prefix) {
  std::string id = new_id(prefix);  // "<prefix>-<hex>"
  id[std::strlen(prefix)] = '_';
  return id;
}

ResponseShell response_shell(const ResponsesRequest& r) {
  return {responses_id("resp"), unix_now(), r.model, r.echo, r.previous_response_id};
}

ResponseEnd response_end(const std::string& finish_reason) {
  ResponseEnd e;
  if (finish_reason == "length" || finish_reason == "content_filter") {
    e.status = "incomplete";
    e.incomplete_details = {
        {"reason", finish_reason == "length" ? "max_output_tokens" : "content_filter"}};
  } else if (finish_reason == "error") {
    e.status = "failed";
    e.error = {{"code", "server_error"}, {"message", "generation failed"}};
  }
  return e;
}

ojson responses_usage(const json& u) {
  auto count = [&](const json& o, const char* k) -> int64_t {
    return o.is_object() && o.contains(k) && o[k].is_number_integer() ? o[k].get<int64_t>() : 0;
  };
  const int64_t in = count(u, "prompt_tokens"), out = count(u, "completion_tokens");
  const json none;
  const json& pd =
      u.is_object() && u.contains("prompt_tokens_details") ? u["prompt_tokens_details"] : none;
  const json& cd = u.is_object() && u.contains("completion_tokens_details")
                       ? u["completion_tokens_details"]
                       : none;
  return {{"input_tokens", in},
          {"input_tokens_details", {{"cached_tokens", count(pd, "cached_tokens")}}},
          {"output_tokens", out},
          {"output_tokens_details", {{"reasoning_tokens", count(cd, "reasoning_tokens")}}},
          {"total_tokens",
           u.is_object() && u.contains("total_tokens") ? count(u, "total_tokens") : in + out}};
}

ojson output_text_part(const std::string& text) {
  return {{"type", "output_text"}, {"text", text}, {"annotations", ojson::array()}};
}

ojson message_item(const std::string& id, const std::string& status, ojson content) {
  return {{"id", id},
          {"type", "message"},
          {"status", status},
          {"role", "assistant"},
          {"content", std::move(content)}};
}

ojson function_call_item(const std::string& id, const std::string& status,
                         const std::string& call_id, const std::string& name,
                         const std::string& arguments) {
  return {{"id", id},     {"type", "function_call"}, {"status", status}, {"call_id", call_id},
          {"name", name}, {"arguments", arguments}};
}

ojson response_object(const ResponseShell& s, const ResponseEnd& end, ojson output, ojson usage) {
  // OpenAI's field order; the echoed request fields sit between model and usage.
  ojson r = {{"id", s.id},
             {"object", "response"},
             {"created_at", s.created_at},
             {"status", end.status},
             {"error", end.error},
             {"incomplete_details", end.incomplete_details},
             {"model", s.model},
             {"output", std::move(output)}};
  for (const auto& [k, v] : s.echo.items()) r[k] = v;
  r["previous_response_id"] =
      s.previous_response_id.empty() ? ojson(nullptr) : ojson(s.previous_response_id);
  r["truncation"] = "disabled";
  r["usage"] = std::move(usage);
  return r;
}

std::string arguments_text(const json& args) {
  if (args.is_string()) return args.get<std::string>();
  return args.is_null() ? "" : args.dump();
}

ojson chat_to_response(const json& chat, const ResponseShell& shell) {
  ResponseShell s = shell;
  if (!str(chat, "model").empty()) s.model = str(chat, "model");
  const json none = json::object();
  const json& choice =
      chat.contains("choices") && chat["choices"].is_array() && !chat["choices"].empty()
          ? chat["choices"][0]
          : none;
  const json& msg = choice.contains("message") ? choice["message"] : none;
  const std::string text = str(msg, "content");
  const json calls = msg.contains("tool_calls") && msg["tool_calls"].is_array() ? msg["tool_calls"]
                                                                                : json::array();
  ojson output = ojson::array();
  // A turn that only calls tools has no message item (as OpenAI answers it).
  if (!text.empty() || calls.empty())
    output.push_back(
        message_item(responses_id("msg"), "completed", ojson::array({output_text_part(text)})));
  for (const auto& c : calls) {
    const json fn = c.is_object() && c.contains("function") ? c["function"] : json::object();
    const std::string id = str(c, "id");
    output.push_back(function_call_item(
        responses_id("fc"), "completed", id.empty() ? responses_id("call") : id, str(fn, "name"),
        arguments_text(fn.is_object() ? fn.value("arguments", json(nullptr)) : json(nullptr))));
  }
  return response_object(s, response_end(str(choice, "finish_reason")), std::move(output),
                         responses_usage(chat.value("usage", json(nullptr))));
}

std::string dump_ordered(const ojson& j) {
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

}  // namespace tandem::api
