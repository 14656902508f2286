// The Dispatcher's answers: on the edge (from the routing prefill), or from the Commander
// through the privacy boundary, with offline fallback and mid-stream failover. Chat and
// completions alike: what differs is the Walk's kind, the writer and the relay.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "api/openai_response.h"
#include "api/prompt_progress.h"
#include "dispatcher/cloud/cloud_relay.h"
#include "dispatcher/dispatcher_service.h"
#include "dispatcher/dispatcher_walk.h"
#include "dispatcher/offload.h"
#include "http/api_error.h"
#include "http/json_util.h"

namespace tandem::dispatcher {

using nlohmann::json;

void TokenClock::tick(http::Metrics& m, int64_t n) {
  if (n <= 0) return;
  const auto now = Clock::now();
  auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  if (first) {
    m.observe_ttft(seconds(now - start));
    first = false;
    first_at = now;
    --n;
  } else {
    const double each = seconds(now - last) / static_cast<double>(n);
    for (int64_t i = 0; i < n; ++i) m.observe_token_latency(each);
    n = 0;
  }
  for (int64_t i = 0; i < n; ++i) m.observe_token_latency(0);  // arrived with the first
  last = now;
}

namespace {

void set_stream_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
}

bool write(httplib::DataSink& sink, const std::string& s) {
  return s.empty() || sink.write(s.data(), s.size());
}

bool write_done(httplib::DataSink& sink) {
  if (!sink.write(api::kSseDone, std::strlen(api::kSseDone))) return false;
  sink.done();
  return true;
}

}  // namespace

void DispatcherService::start_on_edge(Walk& w, const std::string& sent, int64_t n_sent) {
  const auto& g = w.gen();
  EdgeSession::Options o;
  o.sampling = w.sampling;
  // Every local answer keeps to the edge budget (a continuation too: it is edge work).
  o.max_tokens = edge_answer_tokens(
      g.max_tokens < 0 ? -1 : std::max<int64_t>(0, g.max_tokens - n_sent), opts_.edge_max_tokens);
  o.stop = g.stop;
  o.trim_leading = w.chat() && sent.empty();  // as the Commander's chat answers
  // Completions stop at the turn marker only under a grammar, as on the Commander.
  o.end_of_turn_stops = w.chat() || g.grammar != nullptr;
  o.top_logprobs = w.logprobs();
  o.ignore_eos = g.ignore_eos;
  if (w.chat() && w.req.return_reasoning) {
    o.split_reasoning = true;
    o.start_in_reasoning = sent.empty() && w.prompt_text.ends_with("<think>\n");
  }
  if (g.grammar) o.processor = edge_->grammar_processor(g.grammar, sent);
  w.session->start(std::move(o));
}

std::unique_ptr<api::AnswerWriter> DispatcherService::writer_for(const Walk& w,
                                                                 const api::ResponseMeta& meta,
                                                                 bool continuation,
                                                                 size_t sent) const {
  api::AnswerOptions o;
  o.meta = meta;
  o.stream = w.gen().stream;
  o.include_usage = w.gen().include_usage;
  o.logprobs = w.logprobs();
  if (w.chat()) {
    o.return_reasoning = w.req.return_reasoning;
    o.tools = w.req.tools;
    o.tool_format = edge_->tool_format();
    return std::make_unique<api::ChatAnswerWriter>(o, edge_->tokenizer());
  }
  if (continuation || !w.creq.echo)
    return std::make_unique<api::CompletionAnswerWriter>(o, edge_->tokenizer(), nullptr, sent);
  api::EchoedPrompt echo{w.prompt_text, w.tokens.front(), w.session->prompt_logprobs()};
  return std::make_unique<api::CompletionAnswerWriter>(o, edge_->tokenizer(), &echo);
}

void DispatcherService::answer_on_edge(std::shared_ptr<Walk> w, httplib::Response& res) {
  if (!w->session) prefill_on_edge(*w, /*scored=*/!progress_in_stream(*w));
  set_route_headers(*w, res);
  start_on_edge(*w);
  const api::ResponseMeta meta{api::new_id(w->chat() ? "chatcmpl" : "cmpl"), opts_.model_alias,
                               api::unix_now()};
  std::shared_ptr<api::AnswerWriter> writer = writer_for(*w, meta);
  auto usage = [w] {
    return api::usage_json(w->session->n_prompt(), w->session->n_generated(),
                           w->session->n_cached());
  };
  auto account = [this, w] {
    metrics_.add_prompt_tokens(w->session->n_prompt());
    metrics_.add_generated_tokens(w->session->n_generated());
  };
  if (!w->gen().stream) {
    EdgeSession::Step step;
    do {
      step = w->session->next();
      w->clock.tick(metrics_, static_cast<int64_t>(step.tokens.size()));
      writer->step(step.delta, step.tokens);
    } while (!step.done);
    account();
    if (step.finish == serving::FinishReason::kError)
      throw http::ApiError(500, "generation failed: " + step.error, "server_error");
    json body = writer->body(step.finish, usage());
    if (opts_.trace)
      body["x_tandem"] = trace_json(
          *w, {std::string(router::route_name(w->decision.route)), w->session->n_generated()});
    res.set_content(http::dump(body), "application/json");
    return;
  }
  set_stream_headers(res);
  auto first = std::make_shared<bool>(true);
  // return_progress: prompt_progress chunks while the prompt is prefilled (one, complete, when
  // the routing prefill already did it).
  std::shared_ptr<api::PrefillProgressEvents> progress;
  if (w->gen().return_progress)
    progress = std::make_shared<api::PrefillProgressEvents>(meta, w->chat());
  res.set_chunked_content_provider("text/event-stream", [this, w, writer, first, usage, account,
                                                         progress,
                                                         meta](size_t, httplib::DataSink& sink) {
    if (progress && progress->active())
      return write(sink, progress->next(*w->session->seq_stream()));
    std::string out;
    if (*first) {
      out = writer->open();
      *first = false;
    }
    const auto step = w->session->next();
    w->clock.tick(metrics_, static_cast<int64_t>(step.tokens.size()));
    out += writer->step(step.delta, step.tokens);
    if (step.done) out += writer->finish(step.finish, step.error, usage());
    if (!write(sink, out)) return false;
    if (!step.done) return true;
    account();
    const std::string trace = trace_event(
        *w, meta, {std::string(router::route_name(w->decision.route)), w->session->n_generated()});
    w->session.reset();  // frees the edge for the next request
    return write(sink, trace) && write_done(sink);
  });
}

namespace {

// Statuses that say the Commander will not serve us (our key, its gateway), whatever the
// request: they count against its circuit and the edge answers.
bool refuses_us(int status) {
  return status == 401 || status == 403 || status == 502 || status == 503 || status == 504;
}

// A Commander stream on its way to the client, and the edge continuation if it breaks.
struct CloudStream {
  std::shared_ptr<DispatcherService::Walk> w;  // first: outlives the relay (its Masker)
  std::shared_ptr<CommanderCall> call;
  std::unique_ptr<CloudRelay> relay;
  std::string buf;     // SSE bytes not yet forming a whole event
  int64_t n_seen = 0;  // relay text events already ticked into the latency metrics
  bool done = false;   // [DONE] goes out next
  std::unique_ptr<api::AnswerWriter> edge;  // the failover continuation, once the Commander broke
  int64_t n_before = 0;  // edge tokens of the text the Commander gave before it broke
  int64_t n_edge = 0;    // tokens the edge added after it broke (x_tandem)
};

}  // namespace

bool DispatcherService::answer_from_cloud(std::shared_ptr<Walk> w, httplib::Response& res) {
  if (!link_->acquire()) return false;  // circuit open: no waiting for a Commander that fails
  // The privacy boundary: only the masked body leaves.
  w->masker = maskers_.checkout(w->conversation);
  auto out =
      w->chat() ? masked_chat_body(w->body, w->masker, opts_.commander_model)
                : masked_completion_body(w->body, w->prompt_text, w->masker, opts_.commander_model);
  maskers_.store(w->conversation, w->masker);
  // After masking: the placeholders are what compression keeps whole.
  const std::string kept = compress_for_cloud(*w, out);
  if (w->wants_sent_to_cloud && opts_.trace)
    w->sent_to_cloud = w->chat() ? out.value("messages", nlohmann::ordered_json())
                                 : out.value("prompt", nlohmann::ordered_json());
  auto set_headers = [&] {  // once the Commander answers (not when the edge takes over)
    set_route_headers(*w, res);
    if (!kept.empty()) res.set_header("x-tandem-compressed", kept);
  };
  const bool whole = !w->gen().stream;
  auto call = std::make_shared<CommanderCall>(
      opts_.commander, w->chat() ? "/chat/completions" : "/completions", dump_ordered(out), whole);
  // A whole answer may take minutes to generate; the probe tells whether it is still coming.
  if (!call->wait_headers([this, whole] { return whole && !link_->reachable(); })) {
    link_->failed(call->failure(), call->error());
    return false;
  }
  const int status = call->status();
  if (refuses_us(status)) {
    // Not the client's fault and nothing the client can fix: the edge answers instead.
    spdlog::warn("dispatcher: the Commander answered HTTP {}{}; answering on the edge", status,
                 status == 401 || status == 403 ? " (check --commander-key)" : "");
    link_->failed(LinkFailure::kStatus, "HTTP " + std::to_string(status));
    return false;
  }
  link_->succeeded();
  std::string type = call->content_type();
  if (!(status == 200 && type.starts_with("text/event-stream"))) {
    std::string body, chunk;
    while (call->next(chunk)) body += chunk;
    if (call->failed()) {  // broke before an answer: the edge answers (offline)
      link_->failed(call->failure(), call->error());
      return false;
    }
    if (status == 200) {
      auto j = nlohmann::ordered_json::parse(body, nullptr, false);
      w->clock.tick(metrics_);  // the client's first token is the whole answer
      if (!j.is_discarded()) {
        unmask_answer(j, w->kind, w->masker, opts_.model_alias);
        if (opts_.trace && j.is_object()) {
          int64_t n = 0;
          if (j.contains("usage") && j["usage"].is_object())
            n = j["usage"].value("completion_tokens", int64_t{0});
          j["x_tandem"] = nlohmann::ordered_json::parse(
              trace_json(*w, {std::string(router::route_name(w->decision.route)), n}).dump());
        }
        body = dump_ordered(j);
      }
    } else {
      body = w->masker.unmask(body);  // errors may quote the (masked) prompt
    }
    set_headers();
    res.status = status;
    if (status == 413) {
      // The client's body was within our limit (else it would not have got here): masking
      // made it longer than the Commander's. Too long for the cloud model, in effect.
      res.status = 400;
      body = http::dump(http::ApiError(400,
                                       "the prompt is too long for the cloud model (the "
                                       "Commander refused the forwarded body as too large)",
                                       "invalid_request_error", w->chat() ? "messages" : "prompt",
                                       "context_length_exceeded")
                            .to_json());
      type = "application/json";
    }
    res.set_content(body, type.empty() ? "application/json" : type.c_str());
    return true;
  }

  set_headers();
  set_stream_headers(res);
  auto st = std::make_shared<CloudStream>();
  st->w = w;
  st->call = call;
  st->relay = std::make_unique<CloudRelay>(w->kind, w->masker, opts_.model_alias,
                                           !w->chat() && w->creq.echo);
  res.set_chunked_content_provider(
      "text/event-stream", [this, st](size_t, httplib::DataSink& sink) {
        auto& w = *st->w;
        std::string out;
        if (st->edge) {  // the edge continues the answer
          const auto step = w.session->next();
          w.clock.tick(metrics_, static_cast<int64_t>(step.tokens.size()));
          out = st->edge->step(step.delta, step.tokens);
          if (step.done) {
            out += st->edge->finish(step.finish, step.error,
                                    api::usage_json(static_cast<int64_t>(w.tokens.size()),
                                                    st->n_before + w.session->n_generated()));
            metrics_.add_generated_tokens(w.session->n_generated());
            st->n_edge = w.session->n_generated();
            w.session.reset();
            st->done = true;
          }
        } else {
          std::string chunk;
          const bool more = st->call->next(chunk);
          st->buf += chunk;
          for (size_t p; (p = st->buf.find("\n\n")) != std::string::npos;) {
            out += st->relay->relay(std::string_view(st->buf).substr(0, p));
            st->buf.erase(0, p + 2);
          }
          auto& relay = *st->relay;
          w.clock.tick(metrics_, relay.n_text_events() - st->n_seen);
          st->n_seen = relay.n_text_events();
          st->done = relay.done_seen();
          if (!more && !st->done) {
            // The Commander broke off or stalled mid-answer: the edge continues the same answer
            // from what the client already has (the prompt + the received text, one prefill).
            const LinkFailure f = st->call->failure();
            link_->failed(f == LinkFailure::kNone ? LinkFailure::kStall : f,
                          st->call->failed() ? st->call->error() : "the stream ended early");
            st->call.reset();  // aborts and joins the transfer
            out += relay.flush();
            if (relay.finished()) {
              st->done = true;  // the answer was complete; only [DONE] went missing
            } else if (relay.in_tool_call()) {
              out += api::error_event("the Commander broke off during a tool call");
              st->done = true;
            } else {
              try {
                const std::string& sent = relay.received();
                std::vector<serving::PromptMedia> media;
                auto encode = [&](const std::string& text) {
                  if (w.chat() && !w.req.media.empty()) {  // the edge reads the media too
                    auto mp = edge_media_prompt(w, text);
                    media = std::move(mp.media);
                    return mp.tokens;
                  }
                  return w.chat() ? edge_->encode(text) : edge_->encode_plain(text);
                };
                const auto prompt = encode(w.prompt_text + sent);
                w.session = std::make_unique<EdgeSession>(*edge_, /*may_refuse=*/false);
                w.session->prefill(prompt, std::move(media));
                // The text the client has from the Commander, in edge tokens: what the usage
                // counts as completion (the prompt's own tokens stay prompt_tokens).
                st->n_before =
                    std::max<int64_t>(0, static_cast<int64_t>(prompt.size()) -
                                             static_cast<int64_t>(encode(w.prompt_text).size()));
                start_on_edge(w, sent, st->n_before);
                const size_t offset =
                    (!w.chat() && w.creq.echo ? w.prompt_text.size() : 0) + sent.size();
                st->edge = writer_for(w, relay.meta(), /*continuation=*/true, offset);
                metrics_.count_decision("edge", "failover");
              } catch (const std::exception& e) {
                w.session.reset();
                out += api::error_event(std::string("failover failed: ") + e.what());
                st->done = true;
              }
            }
          }
        }
        if (st->done && opts_.trace) {
          // The Commander's chunks may carry several tokens each: the text is counted in edge
          // tokens instead (the tokenizer edge answers are counted in), less encode_plain's BOS.
          const bool failover = st->edge != nullptr;
          const auto n_cloud = std::max<int64_t>(
              0, static_cast<int64_t>(edge_->encode_plain(st->relay->received()).size()) - 1);
          out += trace_event(
              w, st->relay->meta(),
              {failover ? std::string("edge") : std::string(router::route_name(w.decision.route)),
               n_cloud + st->n_edge, failover});
        }
        if (!write(sink, out)) return false;
        return st->done ? write_done(sink) : true;
      });
  return true;
}

}  // namespace tandem::dispatcher
