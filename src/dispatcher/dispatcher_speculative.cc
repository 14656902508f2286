// The Dispatcher's cloud-speculative answers: the edge model drafts on the masked prompt,
// the Commander verifies each draft in one pass (/v1/tandem/verify), the client gets the
// unmasked text of every verified pass as it is confirmed. Falls back to the plain cloud
// path when the Commander has no verify endpoint, to the edge when it is unreachable, and
// continues on the edge when it fails mid-answer. Requests the drafter and verifier cannot
// serve (a grammar, tools, logprobs; speculative_allowed) never come here.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "api/chat_prompt.h"
#include "api/openai_response.h"
#include "dispatcher/cloud/speculative_answer.h"
#include "dispatcher/dispatcher_service.h"
#include "dispatcher/dispatcher_walk.h"
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
  std::unique_ptr<api::AnswerWriter> writer;
  api::ResponseMeta meta;                // the writer's, for the x_tandem chunk
  std::unique_lock<std::mutex> drafter;  // held until the answer ends
  SpeculativeAnswer::Step first;         // the pass run before answering (fallback decided by it)
  bool first_sent = false;
  bool failover = false;
  int64_t n_seen = 0;  // tokens already ticked into the latency metrics
};

std::string stats_header(const spec::SpecStats& st) {
  return fmt::format("passes={} drafted={} accepted={}", st.target_passes, st.drafted, st.accepted);
}

serving::TextDelta text_of(const std::string& s) {
  return {s, ""};
}

// A verify call without an HTTP answer: refused or timed out connecting, else no answer.
LinkFailure verify_failure(const verify::VerifyError& e) {
  const std::string what = e.what();
  return what.find("failed: Connection") != std::string::npos ? LinkFailure::kConnect
                                                              : LinkFailure::kFirstByte;
}

}  // namespace

void DispatcherService::continue_on_edge(Walk& w, const std::string& sent, int64_t n_generated) {
  // The edge model sees the real (unmasked) text: it never leaves the device.
  w.session = std::make_unique<EdgeSession>(*edge_, /*may_refuse=*/false);
  w.session->prefill(edge_->encode(w.prompt_text + sent));
  start_on_edge(w, sent, n_generated);
  metrics_.count_decision("edge", "failover");
}

DispatcherService::SpecResult DispatcherService::answer_speculative(std::shared_ptr<Walk> w,
                                                                    httplib::Response& res) {
  // The privacy boundary: the Commander verifies the MASKED prompt, and the draft runs on
  // the same masked prompt so both token streams agree.
  w->masker = maskers_.checkout(w->conversation);
  const auto masked = masked_chat_body(w->body, w->masker, opts_.commander_model);
  maskers_.store(w->conversation, w->masker);
  if (w->wants_sent_to_cloud && opts_.trace)
    w->sent_to_cloud = masked.value("messages", nlohmann::ordered_json());
  const auto masked_req = api::parse_chat_request(masked, opts_.sampling);
  templates::ChatRenderOptions ro_render;
  ro_render.enable_thinking = masked_req.enable_thinking.value_or(true);  // as the Commander
  const auto prompt =
      edge_->encode(api::render_chat(edge_->chat_template(), masked_req.messages, ro_render));

  std::unique_lock drafter(drafter_mu_, std::try_to_lock);
  if (!drafter) return SpecResult::kNoVerify;  // another answer drafts: the plain cloud path
  if (!link_->acquire()) return SpecResult::kUnreachable;  // circuit open: the edge answers
  w->session.reset();  // the routing prefill's slot is free while the Commander answers
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
  ro.connect_timeout_ms = opts_.commander.connect_timeout_ms;
  // A pass is one round trip: its answer is the first byte (whole seconds: the verifier's unit).
  ro.timeout_s = std::max(1, (opts_.commander.first_byte_timeout_ms + 999) / 1000);
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
    if (e.status == 0) {
      link_->failed(verify_failure(e), e.what());
      return SpecResult::kUnreachable;
    }
    if (e.status == 401 || e.status == 403) {
      spdlog::warn(
          "dispatcher: the Commander answered HTTP {} (check --commander-key); answering on the "
          "edge",
          e.status);
      link_->failed(LinkFailure::kStatus, "HTTP " + std::to_string(e.status));
      return SpecResult::kUnreachable;
    }
    link_->succeeded();  // it answered: the plain cloud path takes the request
    return SpecResult::kNoVerify;
  } catch (const std::runtime_error&) {  // a Commander with another vocabulary
    link_->succeeded();
    return SpecResult::kNoVerify;
  }
  link_->succeeded();
  st->w = w;
  st->drafter = std::move(drafter);
  st->answer = answer;
  st->meta = {api::new_id("chatcmpl"), opts_.model_alias, api::unix_now()};
  st->writer = writer_for(*w, st->meta);
  set_route_headers(*w, res, /*speculative=*/true);
  metrics_.add_prompt_tokens(answer->n_prompt());
  auto account = [this](const SpeculativeAnswer& a) {
    const auto& s = a.stats();
    metrics_.add_speculation(s.drafted, s.accepted, s.target_passes);
    metrics_.add_generated_tokens(a.n_generated());
  };
  // The tokens the last pass confirmed share its time.
  auto tick = [this](SpecStream& s) {
    s.w->clock.tick(metrics_, s.answer->n_generated() - s.n_seen);
    s.n_seen = s.answer->n_generated();
  };
  tick(*st);

  if (!w->req.gen.stream) {
    auto& writer = *st->writer;
    SpeculativeAnswer::Step step = st->first;
    writer.step(text_of(step.text), {});
    int64_t n_edge = 0;
    try {
      while (!step.done) {
        step = answer->next();
        tick(*st);
        writer.step(text_of(step.text), {});
      }
    } catch (const std::runtime_error& e) {
      link_->failed(LinkFailure::kStall, e.what());
      const std::string rest = answer->take_pending();
      writer.step(text_of(rest), {});
      continue_on_edge(*w, answer->sent(), answer->n_generated());
      EdgeSession::Step es;
      do {
        es = w->session->next();
        w->clock.tick(metrics_, static_cast<int64_t>(es.tokens.size()));
        writer.step(es.delta, es.tokens);
      } while (!es.done);
      step.finish = es.finish;
      n_edge = w->session->n_generated();
      metrics_.add_generated_tokens(n_edge);
    }
    account(*answer);
    w->session.reset();
    res.set_header("x-tandem-speculation", stats_header(answer->stats()));
    const json usage = api::usage_json(answer->n_prompt(), answer->n_generated() + n_edge);
    json body = writer.body(step.finish, usage);
    if (opts_.trace)
      body["x_tandem"] = trace_json(*w, {kRouteCloudSpeculative, answer->n_generated() + n_edge,
                                         n_edge > 0, answer->stats()});
    res.set_content(http::dump(body), "application/json");
    return SpecResult::kAnswered;
  }

  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream", [this, st, account, tick](size_t, httplib::DataSink& sink) {
        auto& a = *st->answer;
        auto& writer = *st->writer;
        std::string out;
        bool done = false;
        if (st->failover) {
          auto& s = *st->w->session;
          const auto es = s.next();
          st->w->clock.tick(metrics_, static_cast<int64_t>(es.tokens.size()));
          out = writer.step(es.delta, es.tokens);
          if (es.done) {
            out += writer.finish(es.finish, es.error,
                                 api::usage_json(a.n_prompt(), a.n_generated() + s.n_generated()));
            metrics_.add_generated_tokens(s.n_generated());
            done = true;
          }
        } else {
          SpeculativeAnswer::Step step;
          if (!st->first_sent) {
            out = writer.open();
            step = st->first;
            st->first_sent = true;
          } else {
            try {
              step = a.next();
              tick(*st);
            } catch (const std::runtime_error& e) {
              // The Commander broke off: the edge continues after what the client has.
              link_->failed(LinkFailure::kStall, e.what());
              out = writer.step(text_of(a.take_pending()), {});
              account(a);
              try {
                continue_on_edge(*st->w, a.sent(), a.n_generated());
                st->failover = true;
              } catch (const std::exception& e) {
                out += api::error_event(std::string("failover failed: ") + e.what());
                done = true;
              }
              if (!out.empty() && !sink.write(out.data(), out.size())) return false;
              out.clear();
              if (!done) return true;
            }
          }
          if (!done) {
            out += writer.step(text_of(step.text), {});
            if (step.done) {
              out += writer.finish(step.finish, "", api::usage_json(a.n_prompt(), a.n_generated()));
              account(a);
              done = true;
            }
          }
        }
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        if (done) {
          const int64_t n_edge = st->failover && st->w->session ? st->w->session->n_generated() : 0;
          const std::string trace = trace_event(
              *st->w, st->meta,
              {kRouteCloudSpeculative, a.n_generated() + n_edge, st->failover, a.stats()});
          if (!trace.empty() && !sink.write(trace.data(), trace.size())) return false;
          st->w->session.reset();  // frees the edge for the next request
          if (!sink.write(api::kSseDone, std::strlen(api::kSseDone))) return false;
          sink.done();
        }
        return true;
      });
  return SpecResult::kAnswered;
}

}  // namespace tandem::dispatcher
