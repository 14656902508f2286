// The Dispatcher's answers: on the edge (from the routing prefill), or from the Commander
// through the privacy boundary, with offline fallback and mid-stream failover.
#include <cstring>

#include "api/openai_response.h"
#include "dispatcher/dispatcher_service.h"
#include "dispatcher/dispatcher_walk.h"
#include "http/api_error.h"
#include "http/json_util.h"
#include "privacy/stream_unmasker.h"

namespace tandem::dispatcher {
namespace {

using nlohmann::json;

json usage_for(const EdgeSession& s, int64_t extra_prompt = 0) {
  return api::usage_json(s.n_prompt() - extra_prompt, s.n_generated());
}

// The SSE events of one edge step (content, then at the end finish + usage).
std::string edge_events(const api::ResponseMeta& meta, const EdgeSession::Step& step,
                        bool include_usage, const EdgeSession& s) {
  std::string out;
  if (!step.delta.content.empty())
    out += api::sse_event(api::chat_chunk(meta, {{"content", step.delta.content}}, nullptr));
  if (step.done) {
    out +=
        api::sse_event(api::chat_chunk(meta, json::object(), api::finish_reason_name(step.finish)));
    if (include_usage) {
      json u = api::chat_chunk(meta, json::object(), nullptr);
      u["choices"] = json::array();
      u["usage"] = usage_for(s);
      out += api::sse_event(u);
    }
  }
  return out;
}

// A Commander stream on its way to the client, and the edge continuation if it breaks.
struct CloudStream {
  std::shared_ptr<DispatcherService::Walk> w;
  std::shared_ptr<CommanderCall> call;
  std::unique_ptr<privacy::StreamUnmasker> unmasker;
  std::string buf;       // SSE bytes not yet forming a whole event
  std::string received;  // unmasked answer text the client has been sent
  int64_t n_deltas = 0;
  bool done_seen = false;
  bool finished = false;  // a finish_reason went out
  bool failover = false;
  api::ResponseMeta meta;
};

std::string content_event(const api::ResponseMeta& meta, const std::string& text) {
  return text.empty() ? "" : api::sse_event(api::chat_chunk(meta, {{"content", text}}, nullptr));
}

// One SSE event from the Commander -> what the client gets (unmasked, our model id).
std::string relay_event(CloudStream& st, const std::string& event, const std::string& alias) {
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
    st.done_seen = true;
    return "";
  }
  json j = json::parse(data, nullptr, false);
  if (j.is_discarded()) return "";  // not ours to forward half-formed
  if (j.contains("id") && j["id"].is_string()) st.meta.id = j["id"].get<std::string>();
  if (j.contains("created") && j["created"].is_number()) st.meta.created = j["created"];
  if (j.contains("model")) j["model"] = alias;
  std::string out;
  auto* choices = j.contains("choices") && j["choices"].is_array() ? &j["choices"] : nullptr;
  if (!choices || choices->empty()) return api::sse_event(j);  // usage, errors
  auto& c = (*choices)[0];
  const bool finishing = c.contains("finish_reason") && !c["finish_reason"].is_null();
  std::string text;
  if (c.contains("delta") && c["delta"].contains("content") && c["delta"]["content"].is_string()) {
    text = st.unmasker->push(c["delta"]["content"].get<std::string>());
    ++st.n_deltas;
  }
  if (finishing) {
    text += st.unmasker->flush();
    st.finished = true;
  }
  st.received += text;
  if (c.contains("delta") && c["delta"].contains("content")) {
    const bool only_content = c["delta"].size() == 1 && !finishing;
    if (text.empty() && only_content) return "";
    c["delta"]["content"] = text;
  }
  return api::sse_event(j);
}

}  // namespace

void DispatcherService::answer_on_edge(std::shared_ptr<Walk> w, httplib::Response& res) {
  if (!w->session) prefill_on_edge(*w);
  set_route_headers(*w, res);
  auto& s = *w->session;
  s.start(w->sampling, w->req.gen.max_tokens, w->req.gen.stop, /*trim_leading=*/true);
  const api::ResponseMeta meta{api::new_id("chatcmpl"), opts_.model_alias, api::unix_now()};
  if (!w->req.gen.stream) {
    std::string text;
    EdgeSession::Step step;
    do {
      step = s.next();
      text += step.delta.content;
    } while (!step.done);
    metrics_.add_prompt_tokens(s.n_prompt());
    metrics_.add_generated_tokens(s.n_generated());
    json choice = {{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", text}}},
                   {"finish_reason", api::finish_reason_name(step.finish)},
                   {"logprobs", nullptr}};
    json body = {
        {"id", meta.id},       {"object", "chat.completion"},      {"created", meta.created},
        {"model", meta.model}, {"choices", json::array({choice})}, {"usage", usage_for(s)}};
    res.set_content(http::dump(body), "application/json");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  const bool include_usage = w->req.gen.include_usage;
  auto first = std::make_shared<bool>(true);
  res.set_chunked_content_provider("text/event-stream", [this, w, meta, include_usage, first](
                                                            size_t, httplib::DataSink& sink) {
    std::string out;
    if (*first) {
      out +=
          api::sse_event(api::chat_chunk(meta, {{"role", "assistant"}, {"content", ""}}, nullptr));
      *first = false;
    }
    const auto step = w->session->next();
    out += edge_events(meta, step, include_usage, *w->session);
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (step.done) {
      metrics_.add_prompt_tokens(w->session->n_prompt());
      metrics_.add_generated_tokens(w->session->n_generated());
      w->session.reset();  // frees the edge for the next request
      if (!sink.write(api::kSseDone, std::strlen(api::kSseDone))) return false;
      sink.done();
    }
    return true;
  });
}

bool DispatcherService::answer_from_cloud(std::shared_ptr<Walk> w, httplib::Response& res) {
  // The privacy boundary: only the masked body leaves.
  w->masker = maskers_.checkout(w->conversation);
  const json out = masked_chat_body(w->body, w->masker, opts_.commander_model);
  maskers_.store(w->conversation, w->masker);
  auto call =
      std::make_shared<CommanderCall>(opts_.commander, "/chat/completions", http::dump(out));
  if (!call->wait_headers()) return false;
  const int status = call->status();
  const std::string type = call->content_type();
  if (!(status == 200 && type.starts_with("text/event-stream"))) {
    std::string body, chunk;
    while (call->next(chunk)) body += chunk;
    if (call->failed()) return false;  // broke before an answer: the edge answers (offline)
    if (status == 200) {
      json j = json::parse(body, nullptr, false);
      if (!j.is_discarded()) {
        if (j.contains("model")) j["model"] = opts_.model_alias;
        if (j.contains("choices")) {
          json fixed = j["choices"];
          for (auto& c : fixed)
            for (const char* k : {"content", "reasoning_content"})
              if (c.contains("message") && c["message"].contains(k) && c["message"][k].is_string())
                c["message"][k] = w->masker.unmask(c["message"][k].get<std::string>());
          j["choices"] = fixed;
        }
        body = http::dump(j);
      }
    } else {
      body = w->masker.unmask(body);  // errors may quote the (masked) prompt
    }
    set_route_headers(*w, res);
    res.status = status;
    res.set_content(body, type.empty() ? "application/json" : type.c_str());
    return true;
  }

  set_route_headers(*w, res);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  auto st = std::make_shared<CloudStream>();
  st->w = w;
  st->call = call;
  st->unmasker = std::make_unique<privacy::StreamUnmasker>(w->masker);
  st->meta = api::ResponseMeta{api::new_id("chatcmpl"), opts_.model_alias, api::unix_now()};
  const bool include_usage = w->req.gen.include_usage;
  res.set_chunked_content_provider("text/event-stream", [this, st, include_usage](
                                                            size_t, httplib::DataSink& sink) {
    std::string out;
    if (st->failover) {
      const auto step = st->w->session->next();
      out = edge_events(st->meta, step, include_usage, *st->w->session);
      if (!out.empty() && !sink.write(out.data(), out.size())) return false;
      if (step.done) {
        metrics_.add_generated_tokens(st->w->session->n_generated());
        st->w->session.reset();
        if (!sink.write(api::kSseDone, std::strlen(api::kSseDone))) return false;
        sink.done();
      }
      return true;
    }
    std::string chunk;
    const bool more = st->call->next(chunk);
    st->buf += chunk;
    for (size_t p; (p = st->buf.find("\n\n")) != std::string::npos;) {
      out += relay_event(*st, st->buf.substr(0, p), opts_.model_alias);
      st->buf.erase(0, p + 2);
    }
    if (!more && !st->done_seen) {
      // The Commander broke off mid-answer: the edge continues the same answer from what
      // the client already has (the prompt + the received text, one prefill).
      out += content_event(st->meta, st->unmasker->flush());
      if (!st->finished) {
        auto& w = *st->w;
        const int64_t max_tokens = w.req.gen.max_tokens < 0
                                       ? -1
                                       : std::max<int64_t>(0, w.req.gen.max_tokens - st->n_deltas);
        try {
          w.session = std::make_unique<EdgeSession>(*edge_);
          w.session->prefill(edge_->encode(w.prompt_text + st->received));
          w.session->start(w.sampling, max_tokens, w.req.gen.stop,
                           /*trim_leading=*/st->received.empty());
          st->failover = true;
          metrics_.count_decision("edge", "failover");
        } catch (const std::exception& e) {
          out += api::sse_event(
              http::ApiError(500, std::string("failover failed: ") + e.what(), "server_error")
                  .to_json());
          st->done_seen = true;
        }
      } else {
        st->done_seen = true;  // the answer was complete; only [DONE] went missing
      }
    }
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (st->done_seen) {
      if (!sink.write(api::kSseDone, std::strlen(api::kSseDone))) return false;
      sink.done();
    }
    return true;
  });
  return true;
}

}  // namespace tandem::dispatcher
