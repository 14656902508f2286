#include "dispatcher/cloud/cloud_relay.h"

#include "dispatcher/cloud/masked_body.h"

namespace tandem::dispatcher {
namespace {

using ojson = nlohmann::ordered_json;

std::string event_of(const ojson& j) {
  return "data: " + dump_ordered(j) + "\n\n";
}

// The string at j[key], if there is one.
ojson* text_at(ojson& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? &*it : nullptr;
}

// The arguments string of a tool call (or of a legacy function_call).
ojson* arguments_of(ojson& call) {
  if (!call.is_object()) return nullptr;
  if (auto fn = call.find("function"); fn != call.end()) return text_at(*fn, "arguments");
  return text_at(call, "arguments");
}

bool has_logprobs(const ojson& c) {
  auto it = c.find("logprobs");
  return it != c.end() && !it->is_null();
}

}  // namespace

CloudRelay::CloudRelay(AnswerKind kind, const privacy::Masker& masker, std::string alias, bool echo)
    : kind_(kind),
      masker_(masker),
      meta_{"", std::move(alias), api::unix_now()},
      echo_pending_(echo),
      content_(masker),
      reasoning_(masker) {
  meta_.id = api::new_id(kind == AnswerKind::kChat ? "chatcmpl" : "cmpl");
}

std::string CloudRelay::relay(std::string_view event) {
  std::string data;
  size_t pos = 0;
  while (pos < event.size()) {
    size_t eol = event.find('\n', pos);
    if (eol == std::string::npos) eol = event.size();
    std::string_view line(event.data() + pos, eol - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.starts_with("data:")) {
      line.remove_prefix(5);
      if (line.starts_with(' ')) line.remove_prefix(1);
      data += line;
    }
    pos = eol + 1;
  }
  if (data.empty()) return "";
  if (data == "[DONE]") {
    done_seen_ = true;
    return "";
  }
  ojson j = ojson::parse(data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";  // not ours to forward half-formed
  if (auto id = j.find("id"); id != j.end() && id->is_string()) meta_.id = id->get<std::string>();
  if (auto c = j.find("created"); c != j.end() && c->is_number_integer())
    meta_.created = c->get<int64_t>();
  if (j.contains("model")) j["model"] = meta_.model;
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty()) {  // usage, errors
    if (auto e = j.find("error"); e != j.end())  // an error may quote the (masked) prompt
      if (ojson* message = text_at(*e, "message"))
        *message = masker_.unmask(message->get<std::string>());
    return event_of(j);
  }
  return kind_ == AnswerKind::kChat ? relay_chat(j) : relay_completion(j);
}

std::string CloudRelay::relay_chat(ojson& j) {
  ojson& c = j["choices"][0];
  const bool finishing = c.contains("finish_reason") && !c["finish_reason"].is_null();
  bool visible = finishing || has_logprobs(c);
  if (auto d = c.find("delta"); d != c.end() && d->is_object()) {
    bool text = false;
    for (auto& [key, value] : d->items()) {
      if (key == "content" && value.is_string()) {
        text = text || !value.get_ref<const std::string&>().empty();
        const std::string s = content_.push(value.get<std::string>());
        received_ += s;
        value = s;
        visible = visible || !s.empty();
      } else if (key == "reasoning_content" && value.is_string()) {
        text = text || !value.get_ref<const std::string&>().empty();
        value = reasoning_.push(value.get<std::string>());
        visible = visible || !value.get_ref<const std::string&>().empty();
      } else {
        visible = true;  // role, tool_calls, anything else goes out as is
      }
    }
    if (auto calls = d->find("tool_calls"); calls != d->end() && calls->is_array()) {
      for (size_t k = 0; k < calls->size(); ++k) {
        ojson& call = (*calls)[k];
        const int64_t index =
            call.is_object() && call.contains("index") && call["index"].is_number_integer()
                ? call["index"].get<int64_t>()
                : static_cast<int64_t>(k);
        auto it = tools_.try_emplace(index, masker_).first;
        if (ojson* args = arguments_of(call)) {
          text = text || !args->get_ref<const std::string&>().empty();
          *args = it->second.push(args->get<std::string>());
        }
      }
    }
    n_text_events_ += text;
  }
  std::string before;
  if (finishing) {
    finished_ = true;
    before = rest_event();  // held-back text goes out ahead of the finish
  }
  return visible ? before + event_of(j) : before;
}

std::string CloudRelay::relay_completion(ojson& j) {
  ojson& c = j["choices"][0];
  const bool finishing = c.contains("finish_reason") && !c["finish_reason"].is_null();
  bool visible = finishing || has_logprobs(c);
  if (ojson* t = text_at(c, "text")) {
    const std::string masked = t->get<std::string>();
    if (echo_pending_) {  // the echoed prompt arrives whole, first
      echo_pending_ = false;
      *t = masker_.unmask(masked);
      visible = true;
    } else {
      const std::string s = content_.push(masked);
      received_ += s;
      *t = s;
      n_text_events_ += !masked.empty();
      visible = visible || !s.empty();
    }
  }
  std::string before;
  if (finishing) {
    finished_ = true;
    before = rest_event();
  }
  return visible ? before + event_of(j) : before;
}

std::string CloudRelay::rest_event() {
  const std::string content = content_.flush();
  received_ += content;
  if (kind_ == AnswerKind::kCompletion)
    return content.empty() ? "" : api::sse_event(api::completion_chunk(meta_, content, nullptr));
  nlohmann::json delta = nlohmann::json::object();
  if (!content.empty()) delta["content"] = content;
  if (std::string r = reasoning_.flush(); !r.empty()) delta["reasoning_content"] = r;
  nlohmann::json calls = nlohmann::json::array();
  for (auto& [index, unmasker] : tools_)
    if (std::string a = unmasker.flush(); !a.empty())
      calls.push_back({{"index", index}, {"function", {{"arguments", a}}}});
  if (!calls.empty()) delta["tool_calls"] = calls;
  return delta.empty() ? "" : api::sse_event(api::chat_chunk(meta_, delta, nullptr));
}

std::string CloudRelay::flush() {
  return rest_event();
}

void unmask_answer(ojson& j, AnswerKind kind, const privacy::Masker& masker,
                   const std::string& alias) {
  if (j.contains("model")) j["model"] = alias;
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array()) return;
  auto unmask = [&](ojson* s) {
    if (s) *s = masker.unmask(s->get<std::string>());
  };
  for (auto& c : *choices) {
    if (kind == AnswerKind::kCompletion) {
      unmask(text_at(c, "text"));
      continue;
    }
    if (!c.is_object() || !c.contains("message") || !c["message"].is_object()) continue;
    ojson& m = c["message"];
    unmask(text_at(m, "content"));
    unmask(text_at(m, "reasoning_content"));
    if (auto calls = m.find("tool_calls"); calls != m.end() && calls->is_array())
      for (auto& call : *calls) unmask(arguments_of(call));
    if (auto fc = m.find("function_call"); fc != m.end()) unmask(arguments_of(*fc));
  }
}

}  // namespace tandem::dispatcher
