#include "api/responses/responses_stream.h"

namespace tandem::api {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

std::string str(const json& o, const char* k) {
  return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : "";
}

// The AI SDK's error event schema requires a string code.
std::string error_code(const json& e) {
  for (const char* k : {"code", "type"})
    if (auto c = str(e, k); !c.empty()) return c;
  return "server_error";
}

}  // namespace

ResponsesStream::ResponsesStream(ResponseShell shell) : shell_(std::move(shell)) {}

// Each call takes the next sequence number, so events are appended in separate statements
// (the operands of one `a + b` are evaluated in no fixed order).
std::string ResponsesStream::event(const char* type, ojson data) {
  ojson e = {{"type", type}};
  for (auto& el : data.items()) e[el.key()] = std::move(el.value());
  e["sequence_number"] = seq_++;
  return std::string("event: ") + type + "\ndata: " + dump_ordered(e) + "\n\n";
}

std::string ResponsesStream::start() {
  started_ = true;
  ResponseEnd in_progress;
  in_progress.status = "in_progress";
  const ojson r = response_object(shell_, in_progress, ojson::array(), nullptr);
  std::string out = event("response.created", {{"response", r}});
  out += event("response.in_progress", {{"response", r}});
  return out;
}

std::string ResponsesStream::feed(std::string_view in) {
  for (char c : in)
    if (c != '\r') buf_ += c;  // CRs only ever end lines (JSON escapes its own)
  std::string out;
  for (size_t p; !finished_ && (p = buf_.find("\n\n")) != std::string::npos;) {
    const std::string ev = buf_.substr(0, p);
    buf_.erase(0, p + 2);
    std::string data;
    for (size_t pos = 0; pos < ev.size();) {
      size_t eol = ev.find('\n', pos);
      if (eol == std::string::npos) eol = ev.size();
      std::string_view line(ev.data() + pos, eol - pos);
      if (line.starts_with("data:")) {
        line.remove_prefix(5);
        if (line.starts_with(' ')) line.remove_prefix(1);
        if (!data.empty()) data += '\n';
        data += line;
      }
      pos = eol + 1;
    }
    if (data.empty() || data == "[DONE]") continue;
    const json j = json::parse(data, nullptr, false);
    if (j.is_object()) out += on_chunk(j);
  }
  return out;
}

std::string ResponsesStream::on_chunk(const json& j) {
  std::string out;
  if (!started_) {
    if (auto m = str(j, "model"); !m.empty()) shell_.model = m;  // the id the server reports
    out += start();
  }
  if (j.contains("error")) {  // a chat stream's mid-answer failure
    error_ = j["error"];
    const json param = error_.is_object() ? error_.value("param", json(nullptr)) : json(nullptr);
    out +=
        event("error", {{"code", error_code(error_)},
                        {"message", str(error_, "message")},
                        {"param", param.is_string() ? ojson(param.get<std::string>()) : ojson()}});
    return out;
  }
  if (j.contains("usage") && j["usage"].is_object()) usage_ = j["usage"];
  if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) return out;
  const json& c = j["choices"][0];
  if (!c.is_object()) return out;
  if (c.contains("delta") && c["delta"].is_object()) {
    const json& d = c["delta"];
    if (const std::string piece = str(d, "content"); !piece.empty()) {
      if (!msg_open_) out += open_message();
      text_ += piece;
      out += event("response.output_text.delta", {{"item_id", msg_id_},
                                                  {"output_index", msg_index_},
                                                  {"content_index", 0},
                                                  {"delta", piece},
                                                  {"logprobs", ojson::array()}});
    }
    if (d.contains("tool_calls") && d["tool_calls"].is_array())
      for (const auto& piece : d["tool_calls"]) out += on_tool_call(piece);
  }
  if (auto f = str(c, "finish_reason"); !f.empty()) finish_reason_ = f;
  return out;
}

std::string ResponsesStream::on_tool_call(const json& piece) {
  if (!piece.is_object()) return "";
  const int64_t index = piece.contains("index") && piece["index"].is_number_integer()
                            ? piece["index"].get<int64_t>()
                            : 0;
  Call& c = calls_[index];
  if (c.call_id.empty()) c.call_id = str(piece, "id");
  const json fn = piece.contains("function") ? piece["function"] : json::object();
  if (!c.opened) c.name += str(fn, "name");
  const std::string args =
      fn.is_object() && fn.contains("arguments") ? arguments_text(fn["arguments"]) : "";
  c.arguments += args;
  std::string out;
  if (c.opened) {
    if (!args.empty())
      out += event("response.function_call_arguments.delta",
                   {{"item_id", c.item_id}, {"output_index", c.output_index}, {"delta", args}});
    return out;
  }
  if (c.name.empty()) return out;         // every server names the function first; wait for it
  if (msg_open_) out += close_message();  // the message ends where the calls begin
  c.opened = true;
  c.item_id = responses_id("fc");
  if (c.call_id.empty()) c.call_id = responses_id("call");
  c.output_index = items_.size();
  items_.emplace_back(nullptr);
  out += event("response.output_item.added",
               {{"output_index", c.output_index},
                {"item", function_call_item(c.item_id, "in_progress", c.call_id, c.name, "")}});
  if (!c.arguments.empty())  // pieces that came with (or before) the name
    out +=
        event("response.function_call_arguments.delta",
              {{"item_id", c.item_id}, {"output_index", c.output_index}, {"delta", c.arguments}});
  return out;
}

std::string ResponsesStream::open_message() {
  msg_open_ = true;
  msg_id_ = responses_id("msg");
  msg_index_ = items_.size();
  items_.emplace_back(nullptr);
  text_.clear();
  std::string out = event("response.output_item.added",
                          {{"output_index", msg_index_},
                           {"item", message_item(msg_id_, "in_progress", ojson::array())}});
  out += event("response.content_part.added", {{"item_id", msg_id_},
                                               {"output_index", msg_index_},
                                               {"content_index", 0},
                                               {"part", output_text_part("")}});
  return out;
}

std::string ResponsesStream::close_message() {
  msg_open_ = false;
  const ojson part = output_text_part(text_);
  items_[msg_index_] = message_item(msg_id_, "completed", ojson::array({part}));
  std::string out = event("response.output_text.done", {{"item_id", msg_id_},
                                                        {"output_index", msg_index_},
                                                        {"content_index", 0},
                                                        {"text", text_},
                                                        {"logprobs", ojson::array()}});
  out += event(
      "response.content_part.done",
      {{"item_id", msg_id_}, {"output_index", msg_index_}, {"content_index", 0}, {"part", part}});
  out += event("response.output_item.done",
               {{"output_index", msg_index_}, {"item", items_[msg_index_]}});
  return out;
}

std::string ResponsesStream::close_call(Call& c) {
  items_[c.output_index] =
      function_call_item(c.item_id, "completed", c.call_id, c.name, c.arguments);
  std::string out =
      event("response.function_call_arguments.done",
            {{"item_id", c.item_id}, {"output_index", c.output_index}, {"arguments", c.arguments}});
  out += event("response.output_item.done",
               {{"output_index", c.output_index}, {"item", items_[c.output_index]}});
  return out;
}

ojson ResponsesStream::output() const {
  ojson out = ojson::array();
  for (const auto& item : items_) out.push_back(item);
  return out;
}

std::string ResponsesStream::finish() {
  if (finished_) return "";
  std::string out;
  if (!buf_.empty()) out += feed("\n\n");  // a last event without its blank line
  if (!started_) out += start();
  finished_ = true;
  if (msg_open_) out += close_message();
  for (auto& [index, c] : calls_)
    if (c.opened) out += close_call(c);  // a call that never got a name cannot be made
  if (items_.empty()) {                  // as the non-streamed answer
    out += open_message();
    out += close_message();
  }

  ResponseEnd end = response_end(finish_reason_);
  if (!error_.is_null()) {  // already announced by its error event
    end = ResponseEnd{
        "failed", nullptr, {{"code", error_code(error_)}, {"message", str(error_, "message")}}};
  } else if (end.status == "failed" || finish_reason_.empty()) {
    const std::string why =
        finish_reason_.empty() ? "the answer ended before it was complete" : "generation failed";
    end = ResponseEnd{"failed", nullptr, {{"code", "server_error"}, {"message", why}}};
    out += event("error", {{"code", "server_error"}, {"message", why}, {"param", nullptr}});
  }
  const char* type = end.status == "completed"    ? "response.completed"
                     : end.status == "incomplete" ? "response.incomplete"
                                                  : "response.failed";
  final_ = response_object(shell_, end, output(), responses_usage(usage_));
  out += event(type, {{"response", final_}});
  return out;
}

std::string ResponsesStream::from_completion(const json& chat) {
  const json none = json::object();
  const json& choice =
      chat.contains("choices") && chat["choices"].is_array() && !chat["choices"].empty()
          ? chat["choices"][0]
          : none;
  const json& msg = choice.is_object() && choice.contains("message") ? choice["message"] : none;
  json delta = json::object();
  if (!str(msg, "content").empty()) delta["content"] = str(msg, "content");
  if (msg.is_object() && msg.contains("tool_calls") && msg["tool_calls"].is_array()) {
    delta["tool_calls"] = json::array();
    for (size_t i = 0; i < msg["tool_calls"].size(); ++i) {
      json piece = msg["tool_calls"][i];
      if (piece.is_object()) piece["index"] = i;
      delta["tool_calls"].push_back(std::move(piece));
    }
  }
  json chunk = {{"choices", json::array({{{"index", 0}, {"delta", delta}}})}};
  if (!str(choice, "finish_reason").empty())
    chunk["choices"][0]["finish_reason"] = str(choice, "finish_reason");
  if (!str(chat, "model").empty()) chunk["model"] = str(chat, "model");
  if (chat.contains("usage")) chunk["usage"] = chat["usage"];
  std::string out = on_chunk(chunk);
  out += finish();
  return out;
}

}  // namespace tandem::api
