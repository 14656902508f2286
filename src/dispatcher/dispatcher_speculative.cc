// The Dispatcher's cloud-speculative answers: the edge model drafts on the masked prompt,
// the Commander verifies each draft in one pass (/v1/tandem/verify), the client gets the
// unmasked text of every verified pass as it is confirmed. Falls back to the plain cloud
// path when the Commander has no verify endpoint, to the edge when it is unreachable, and
// continues on the edge when it fails mid-answer.
#include <fmt/format.h>

#include <cstring>

#include "api/chat_prompt.h"
#include "api/openai_response.h"
#include "dispatcher/dispatcher_service.h"
#include "dispatcher/dispatcher_walk.h"
#include "dispatcher/speculative_answer.h"
#include "http/api_error.h"
#include "http/json_util.h"
#include "verify/verify_client.h"

namespace tandem::dispatcher {
namespace {

using nlohmann::json;

// A speculative answer on its way to the client, and the edge continuation if it breaks.
struct SpecStream {
  std::shared_ptr<DispatcherService::Walk> w;
  std::shared_ptr<SpeculativeAnswer> answer;
  SpeculativeAnswer::Step first;  // the pass run before answering (fallback decided by it)
  bool first_sent = false;
  bool failover = false;
  api::ResponseMeta meta;
};

std::string content_event(const api::ResponseMeta& meta, const std::string& text) {
  return text.empty() ? "" : api::sse_event(api::chat_chunk(meta, {{"content", text}}, nullptr));
}

std::string finish_events(const api::ResponseMeta& meta, serving::FinishReason finish,
                          bool include_usage, int64_t n_prompt, int64_t n_generated) {
  std::string out =
      api::sse_event(api::chat_chunk(meta, json::object(), api::finish_reason_name(finish)));
  if (include_usage) {
    json u = api::chat_chunk(meta, json::object(), nullptr);
    u["choices"] = json::array();
    u["usage"] = api::usage_json(n_prompt, n_generated);
    out += api::sse_event(u);
  }
  return out;
}

std::string stats_header(const spec::SpecStats& st) {
  return fmt::format("passes={} drafted={} accepted={}", st.target_passes, st.drafted, st.accepted);
}

}  // namespace

void DispatcherService::continue_on_edge(Walk& w, const std::string& sent, int64_t n_generated) {
  // The edge model sees the real (unmasked) text: it never leaves the device.
  const int64_t max_tokens =
      w.req.gen.max_tokens < 0 ? -1 : std::max<int64_t>(0, w.req.gen.max_tokens - n_generated);
  w.session->prefill(edge_->encode(w.prompt_text + sent));
  w.session->start(w.sampling, max_tokens, w.req.gen.stop, /*trim_leading=*/sent.empty());
  metrics_.count_decision("edge", "failover");
}

DispatcherService::SpecResult DispatcherService::answer_speculative(std::shared_ptr<Walk> w,
                                                                    httplib::Response& res) {
  // What only the Commander's own generation produces: the plain cloud path answers.
  if (w->req.logprobs || w->req.return_reasoning || w->req.gen.ignore_eos)
    return SpecResult::kNoVerify;
  // The privacy boundary: the Commander verifies the MASKED prompt, and the draft runs on
  // the same masked prompt so both token streams agree.
  w->masker = maskers_.checkout(w->conversation);
  const json masked = masked_chat_body(w->body, w->masker, opts_.commander_model);
  maskers_.store(w->conversation, w->masker);
  const auto masked_req = api::parse_chat_request(masked, opts_.sampling);
  templates::ChatRenderOptions ro_render;
  ro_render.enable_thinking = masked_req.enable_thinking.value_or(true);  // as the Commander
  const auto prompt =
      edge_->encode(api::render_chat(edge_->chat_template(), masked_req.messages, ro_render));

  const bool prefilled = w->session != nullptr;  // the routing prefill (kept for fallbacks)
  if (!w->session) w->session = std::make_unique<EdgeSession>(*edge_);  // exclusive edge
  if (!drafter_)
    drafter_ = std::make_unique<spec::Drafter>(edge_->model(), opts_.draft_threads, w->sampling,
                                               edge_->n_ctx());
  else
    drafter_->set_sampling(w->sampling);

  verify::RemoteVerifierOptions ro;
  split_commander_url(opts_.commander.url, ro.url, ro.path_prefix);
  ro.api_key = opts_.commander.api_key;
  ro.sampling = w->sampling;
  ro.n_vocab = static_cast<int32_t>(edge_->model().config().n_vocab);
  ro.connect_timeout_ms = opts_.commander.timeout_ms;
  ro.timeout_s = opts_.commander.read_timeout_s;
  SpeculativeAnswerOptions ao;
  ao.max_tokens = w->req.gen.max_tokens;
  ao.stop = w->req.gen.stop;
  ao.end_of_turn = edge_->end_of_turn();
  ao.n_ctx = edge_->n_ctx();
  ao.spec = opts_.spec;
  std::shared_ptr<SpeculativeAnswer> answer;
  try {
    answer =
        std::make_shared<SpeculativeAnswer>(*drafter_, std::make_unique<verify::RemoteVerifier>(ro),
                                            edge_->tokenizer(), prompt, w->masker, ao);
  } catch (const std::invalid_argument& e) {
    throw http::ApiError(400, std::string("edge model: ") + e.what(), "invalid_request_error",
                         "messages", "context_length_exceeded");
  }

  // The first pass runs before anything is answered, so its failure can still fall back.
  auto st = std::make_shared<SpecStream>();
  try {
    st->first = answer->next();
  } catch (const verify::VerifyError& e) {
    if (!prefilled) w->session.reset();
    return e.status == 0 ? SpecResult::kUnreachable : SpecResult::kNoVerify;
  } catch (const std::runtime_error&) {  // a Commander with another vocabulary
    if (!prefilled) w->session.reset();
    return SpecResult::kNoVerify;
  }
  st->w = w;
  st->answer = answer;
  st->meta = api::ResponseMeta{api::new_id("chatcmpl"), opts_.model_alias, api::unix_now()};
  set_route_headers(*w, res, /*speculative=*/true);
  metrics_.add_prompt_tokens(answer->n_prompt());
  auto account = [this](const SpeculativeAnswer& a) {
    const auto& s = a.stats();
    metrics_.add_speculation(s.drafted, s.accepted, s.target_passes);
    metrics_.add_generated_tokens(a.n_generated());
  };

  if (!w->req.gen.stream) {
    std::string text = st->first.text;
    SpeculativeAnswer::Step step = st->first;
    int64_t n_edge = 0;
    try {
      while (!step.done) {
        step = answer->next();
        text += step.text;
      }
    } catch (const std::runtime_error&) {
      text += answer->take_pending();
      continue_on_edge(*w, text, answer->n_generated());
      EdgeSession::Step es;
      do {
        es = w->session->next();
        text += es.delta.content;
      } while (!es.done);
      step.finish = es.finish;
      n_edge = w->session->n_generated();
      metrics_.add_generated_tokens(n_edge);
    }
    account(*answer);
    w->session.reset();
    res.set_header("x-tandem-speculation", stats_header(answer->stats()));
    json choice = {{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", text}}},
                   {"finish_reason", api::finish_reason_name(step.finish)},
                   {"logprobs", nullptr}};
    json body = {{"id", st->meta.id},
                 {"object", "chat.completion"},
                 {"created", st->meta.created},
                 {"model", st->meta.model},
                 {"choices", json::array({choice})},
                 {"usage", api::usage_json(answer->n_prompt(), answer->n_generated() + n_edge)}};
    res.set_content(http::dump(body), "application/json");
    return SpecResult::kAnswered;
  }

  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  const bool include_usage = w->req.gen.include_usage;
  res.set_chunked_content_provider("text/event-stream", [this, st, include_usage, account](
                                                            size_t, httplib::DataSink& sink) {
    auto& a = *st->answer;
    std::string out;
    bool done = false;
    if (st->failover) {
      auto& s = *st->w->session;
      const auto es = s.next();
      out = content_event(st->meta, es.delta.content);
      if (es.done) {
        out += finish_events(st->meta, es.finish, include_usage, a.n_prompt(),
                             a.n_generated() + s.n_generated());
        metrics_.add_generated_tokens(s.n_generated());
        done = true;
      }
    } else {
      SpeculativeAnswer::Step step;
      if (!st->first_sent) {
        out = api::sse_event(
            api::chat_chunk(st->meta, {{"role", "assistant"}, {"content", ""}}, nullptr));
        step = st->first;
        st->first_sent = true;
      } else {
        try {
          step = a.next();
        } catch (const std::runtime_error&) {
          // The Commander broke off: the edge continues after what the client has.
          out = content_event(st->meta, a.take_pending());
          account(a);
          try {
            continue_on_edge(*st->w, a.sent(), a.n_generated());
            st->failover = true;
          } catch (const std::exception& e) {
            out += api::sse_event(
                http::ApiError(500, std::string("failover failed: ") + e.what(), "server_error")
                    .to_json());
            done = true;
          }
          if (!out.empty() && !sink.write(out.data(), out.size())) return false;
          out.clear();
          if (!done) return true;
        }
      }
      if (!done) {
        out += content_event(st->meta, step.text);
        if (step.done) {
          out += finish_events(st->meta, step.finish, include_usage, a.n_prompt(), a.n_generated());
          account(a);
          done = true;
        }
      }
    }
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (done) {
      st->w->session.reset();  // frees the edge for the next request
      if (!sink.write(api::kSseDone, std::strlen(api::kSseDone))) return false;
      sink.done();
    }
    return true;
  });
  return SpecResult::kAnswered;
}

}  // namespace tandem::dispatcher
