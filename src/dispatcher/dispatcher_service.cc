#include "dispatcher/dispatcher_service.h"

#include <functional>
#include <random>

#include "api/embeddings.h"
#include "api/openai_response.h"
#include "api/responses/responses.h"
#include "api/tools/tool_grammar.h"
#include "cache/memory_guard_report.h"
#include "dispatcher/dispatcher_walk.h"
#include "dispatcher/offload.h"
#include "http/api_error.h"
#include "http/json_util.h"

namespace tandem::dispatcher {

using nlohmann::json;

// ---- conversations -------------------------------------------------------------------------

privacy::Masker ConversationMaskers::checkout(const std::string& conversation) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(conversation);
  return it == by_id_.end() ? privacy::Masker() : it->second;
}

void ConversationMaskers::store(const std::string& conversation, const privacy::Masker& m) {
  std::lock_guard lock(mu_);
  if (by_id_.size() >= kMaxConversations && !by_id_.contains(conversation)) by_id_.clear();
  by_id_.insert_or_assign(conversation, m);
}

DispatcherService::DispatcherService(std::unique_ptr<EdgeEngine> edge,
                                     std::unique_ptr<RoutingPipeline> routing,
                                     DispatcherOptions opts, http::Metrics& metrics)
    : edge_(std::move(edge)),
      routing_(std::move(routing)),
      opts_(std::move(opts)),
      metrics_(metrics),
      link_(std::make_unique<CommanderLink>(opts_.commander, metrics)) {
  guard_ = std::make_unique<cache::MemoryGuard>(opts_.memory);
  edge_->caches().add_evictors(*guard_);
  guard_->add_evictor("the idle speculative drafter", [this]() -> uint64_t {
    std::unique_lock lock(drafter_mu_, std::try_to_lock);  // busy: not idle
    if (!lock || !drafter_) return 0;
    const uint64_t bytes = drafter_->cache_bytes();
    drafter_.reset();  // made again by the next speculative answer
    return bytes;
  });
  collector_ = metrics_.add_collector([this, g = guard_.get(), c = &edge_->caches()] {
    return cache::memory_guard_metrics(*g) + c->metrics_text() + edge_->kv_metrics_text() +
           "# HELP tandem_context_trimmed_total Chats the edge answered with their oldest "
           "turns dropped to fit its context.\n"
           "# TYPE tandem_context_trimmed_total counter\n"
           "tandem_context_trimmed_total " +
           std::to_string(trimmed_chats_.load()) +
           "\n"
           "# HELP tandem_context_trimmed_messages_total Messages dropped from chats to fit the "
           "edge context.\n"
           "# TYPE tandem_context_trimmed_messages_total counter\n"
           "tandem_context_trimmed_messages_total " +
           std::to_string(trimmed_messages_.load()) + "\n";
  });
  guard_->start();
}

DispatcherService::~DispatcherService() {
  metrics_.remove_collector(collector_);
}

json DispatcherService::health() const {
  json h = {{"status", "ok"}};
  if (auto why = link_->degraded_reason()) h = {{"status", "degraded"}, {"reason", *why}};
  if (guard_->under_pressure())
    h = {{"status", "degraded"}, {"reason", "memory under the guard's floor"}};
  h["commander"] = link_->status_json();
  h["memory"] = cache::memory_guard_json(*guard_);
  h["cache"] = edge_->caches().health_json();
  return h;
}

void DispatcherService::list_cache(const httplib::Request& req, httplib::Response& res) {
  edge_->caches().list(req, res);
}

void DispatcherService::delete_cache(const httplib::Request& req, httplib::Response& res) {
  edge_->caches().erase(req, res);
}

engine::SamplerParams DispatcherService::sampling_for(const api::GenerationParams& g) const {
  engine::SamplerParams p = g.sampling;
  if (!g.seed_given && !opts_.fixed_seed) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    p.seed = rng();
  }
  return p;
}

void DispatcherService::check_model(const std::string& requested) const {
  if (!requested.empty() && requested != opts_.model_alias)
    throw http::ApiError(404,
                         "the model '" + requested + "' does not exist; this server serves '" +
                             opts_.model_alias + "'",
                         "invalid_request_error", "model", "model_not_found");
}

json DispatcherService::model_card() const {
  json m = {{"id", opts_.model_alias},
            {"object", "model"},
            {"created", 0},
            {"owned_by", "tandem"},
            {"context_length", edge_->n_ctx()}};
  // What the edge reads itself (its --mmproj); other media may still go to the Commander.
  json modalities = json::array({"text"});
  for (auto k : {media::Modality::kImage, media::Modality::kAudio})
    if (opts_.media && opts_.media->supports(k)) modalities.push_back(media::modality_name(k));
  m["modalities"] = std::move(modalities);
  m["media_policy"] = std::string(media_policy_name(opts_.media_policy));
  return m;
}

const engine::Model& DispatcherService::model() const {
  return edge_->model();
}

void DispatcherService::models(const httplib::Request&, httplib::Response& res) {
  res.set_content(http::dump({{"object", "list"}, {"data", json::array({model_card()})}}),
                  "application/json");
}

void DispatcherService::embeddings(const httplib::Request& http_req, httplib::Response& res) {
  api::EmbeddingEngine e{edge_->transformer(),  opts_.model_alias, edge_->n_ctx(), {}, {},
                         &edge_->prompt_guard()};
  e.opts.pooling = opts_.pooling.value_or(engine::model_pooling(edge_->model()));
  // Each forward runs on the edge scheduler's thread between two generation steps (a private
  // KvCache, so the sequences' caches are untouched).
  e.run = [this](const std::function<void()>& work) { edge_->run_exclusive(work); };
  res.set_content(http::dump(api::answer_embeddings(api::parse_body(http_req.body), e)),
                  "application/json");
}

void DispatcherService::set_route_headers(const Walk& w, httplib::Response& res, bool speculative) {
  const std::string route =
      speculative ? kRouteCloudSpeculative : std::string(router::route_name(w.decision.route));
  res.set_header("x-tandem-route", route);
  std::string reason = w.decision.explain();
  if (w.trimmed > 0 && !speculative && w.decision.route == router::Route::kEdge) {
    res.set_header("x-tandem-context-trimmed", std::to_string(w.trimmed));
    reason += "; context trimmed: " + std::to_string(w.trimmed) + " of " +
              std::to_string(w.n_messages) + " messages dropped";
  }
  res.set_header("x-tandem-reason", reason);
  metrics_.count_decision(route, std::string(router::reason_name(w.decision.reason)));
}

namespace {

http::ApiError edge_error(const std::exception& e, const char* param) {
  return http::ApiError(400, std::string("edge model: ") + e.what(), "invalid_request_error", param,
                        "context_length_exceeded");
}

}  // namespace

void DispatcherService::tokenize_for_edge(Walk& w, const std::string& text, bool chat) {
  if (!edge_->could_fit(text.size())) {
    w.too_long_for_edge = true;
    return;
  }
  if (chat && !w.req.media.empty()) {
    // Encoded before the route is known: the rows count against the edge context, and the
    // perplexity is the prefill's.
    auto mp = edge_media_prompt(w, text);
    w.tokens = std::move(mp.tokens);
    w.media = std::move(mp.media);
    return;
  }
  w.tokens = chat ? edge_->encode(text) : edge_->encode_plain(text);
}

void DispatcherService::parse_chat_for_edge(Walk& w) const {
  w.has_media = !non_text_modality(w.body).empty();
  const std::string unreadable = unreadable_modality(w.body, opts_.media.get());
  w.req = api::parse_chat_request(unreadable.empty() ? w.body : text_parts_only(w.body),
                                  opts_.sampling);
  w.signals = routing_->scan(w.req.messages);
  w.signals.modality = unreadable;
  w.signals.media_private = w.has_media && opts_.media_policy == MediaPolicy::kEdgeOnly;
}

api::MediaPrompt DispatcherService::edge_media_prompt(Walk& w, const std::string& text) const {
  if (w.encoded_media.empty()) w.encoded_media = api::encode_media(w.req.media, *opts_.media);
  return api::assemble_media_prompt(edge_->tokenizer(), text, w.req.media, w.encoded_media);
}

void DispatcherService::trim_for_edge(Walk& w) {
  if (!w.chat() || w.trim_tried || opts_.context_overflow == ContextOverflow::kError) return;
  // Dropped turns would take their media markers with them: a chat with media is not trimmed.
  if (!w.req.media.empty()) return;
  const int64_t n_ctx = edge_->n_ctx();
  const int64_t reserve = answer_reserve(w.gen().max_tokens, opts_.edge_max_tokens, n_ctx);
  if (!w.too_long_for_edge && static_cast<int64_t>(w.tokens.size()) + reserve <= n_ctx) return;
  w.trim_tried = true;
  api::ChatRequest r = w.req;  // its tools and enable_thinking render as the whole chat's
  auto fits_with = [&](int64_t room) {
    return [&, room](const std::vector<templates::ChatMessage>& m) {
      r.messages = m;
      std::string text;
      try {
        text = edge_->render_request(r);
      } catch (const std::exception&) {
        return false;  // a template that refuses this shape: drop more
      }
      return edge_->could_fit(text.size()) &&
             static_cast<int64_t>(edge_->encode(text).size()) + room <= n_ctx;
    };
  };
  const auto& tok = edge_->tokenizer();
  auto weight = [&tok](const templates::ChatMessage& m) {
    return static_cast<int64_t>(tok.encode(m.content, false, false).size());
  };
  // Whole steps of about a quarter of the context go at once, so the next turns keep this
  // prompt's start (the prefix caches reuse it) until the chat outgrows the context again.
  auto t = trim_to_fit(w.req.messages, fits_with(reserve), n_ctx / 4, weight);
  // No room for the whole reserve even so: the fewest turns that let the prompt itself fit
  // (the answer then ends with the context, finish_reason "length", as before trimming).
  if (!t.fits && reserve > 1) t = trim_to_fit(w.req.messages, fits_with(1));
  if (!t.fits || t.dropped == 0) return;
  r.messages = std::move(t.messages);
  w.prompt_text = edge_->render_request(r);
  w.tokens = edge_->encode(w.prompt_text);
  w.too_long_for_edge = false;
  w.trimmed = t.dropped;
  w.n_messages = w.req.messages.size();
  ++trimmed_chats_;
  trimmed_messages_ += t.dropped;
}

void DispatcherService::prefill_on_edge(Walk& w, bool scored) {
  trim_for_edge(w);
  const bool too_long =
      w.too_long_for_edge || static_cast<int64_t>(w.tokens.size()) >= edge_->n_ctx();
  if (too_long && w.trim_tried)
    throw http::ApiError(400,
                         "edge model: even with every earlier turn dropped, the system messages "
                         "and the last user message do not fit the edge context of " +
                             std::to_string(edge_->n_ctx()) + " tokens",
                         "invalid_request_error", "messages", "context_length_exceeded");
  if (w.too_long_for_edge)
    throw http::ApiError(400,
                         "edge model: the prompt is " + std::to_string(w.prompt_text.size()) +
                             " bytes, more than the edge context of " +
                             std::to_string(edge_->n_ctx()) + " tokens can hold",
                         "invalid_request_error", w.chat() ? "messages" : "prompt",
                         "context_length_exceeded");
  // Completions echoing the prompt with logprobs score it from this same prefill.
  const int32_t prompt_lp = !w.chat() && w.creq.echo ? w.creq.logprobs : -1;
  try {
    w.session = std::make_unique<EdgeSession>(*edge_);
    w.session->set_cache(w.gen().cache);
    if (w.tokens.size() >= 2 && scored)
      w.signals.ppl = w.session->prefill_scored(w.tokens, prompt_lp, w.media).ppl;
    else
      w.session->prefill(w.tokens, w.media);
  } catch (const std::invalid_argument& e) {
    throw edge_error(e, w.chat() ? "messages" : "prompt");
  }
}

bool DispatcherService::speculative_allowed(const api::ChatRequest& r) const {
  return opts_.speculative && !r.gen.grammar && r.tools.names.empty() && !r.logprobs &&
         !r.return_reasoning && !r.gen.ignore_eos;
}

void DispatcherService::route_decision(const httplib::Request& http_req, httplib::Response& res) {
  Walk w;
  w.body = api::parse_body_ordered(http_req.body);
  parse_chat_for_edge(w);
  const api::ChatRequest& r = w.req;
  check_model(r.model);
  auto& signals = w.signals;
  const std::string text = edge_->render_request(r);
  tokenize_for_edge(w, text, /*chat=*/true);
  const bool fits = !w.too_long_for_edge;
  const auto& tokens = w.tokens;
  signals.prompt_tokens =
      fits ? static_cast<int64_t>(tokens.size()) : edge_->prompt_tokens_at_least(text.size());
  offload_signals(signals, r.gen.max_tokens, /*chat=*/true);
  try {
    // Offloaded (too long, a modality, max_tokens, memory): no edge prefill.
    const auto pre = routing_->decide_before_ppl(signals);
    if (signals.prompt_tokens < signals.edge_context && !(pre && router::is_offload(pre->reason))) {
      EdgeSession s(*edge_);
      if (tokens.size() >= 2) signals.ppl = s.prefill_scored(tokens, -1, w.media).ppl;
    }
  } catch (const std::invalid_argument& e) {
    throw edge_error(e, "messages");
  }
  const auto d = routing_->decide(signals);
  json out = routing_->explain_json(signals, d);
  out["prompt_tokens"] = fits ? json(tokens.size()) : json(nullptr);  // not counted
  out["commander"] = link_->status_json();
  out["pii_spans"] = routing_->pii_spans(r.messages);
  // The outcome a chat request would get (unless the Commander lacks the verify endpoint).
  if (d.route == router::Route::kCloud && speculative_allowed(r) && !w.has_media)
    out["route"] = kRouteCloudSpeculative;
  res.set_header("x-tandem-route", out["route"].get<std::string>());
  res.set_header("x-tandem-reason", d.explain());
  res.set_content(http::dump(out), "application/json");
}

void DispatcherService::chat_completions(const httplib::Request& http_req, httplib::Response& res) {
  auto w = std::make_shared<Walk>();
  w->wants_sent_to_cloud = wants_sent_to_cloud(http_req);
  w->body = api::parse_body_ordered(http_req.body);  // key order kept to the Commander
  // Image or audio parts: read on the edge when its encoder can; otherwise the edge parses
  // and routes the text, and a cloud route sends the Commander all of it.
  parse_chat_for_edge(*w);
  check_model(w->req.model);
  w->compress = parse_compress_field(w->body);
  // A required or named tool_choice constrains an edge answer as response_format does (the
  // Commander builds its own from the forwarded body).
  w->req.gen.grammar = api::answer_grammar(w->req, edge_->tool_format());
  w->sampling = sampling_for(w->req.gen);
  w->conversation = conversation_id(w->body, http_req, w->req.messages);
  w->prompt_text = edge_->render_request(w->req);
  tokenize_for_edge(*w, w->prompt_text, /*chat=*/true);
  route_and_answer(w, res);
}

void DispatcherService::route_and_answer(std::shared_ptr<Walk> w, httplib::Response& res) {
  // --context-overflow trim: the edge trims first and the trimmed chat is routed (a cloud
  // route still sends the whole conversation).
  if (opts_.context_overflow == ContextOverflow::kTrim) trim_for_edge(*w);
  w->signals.prompt_tokens = w->too_long_for_edge
                                 ? edge_->prompt_tokens_at_least(w->prompt_text.size())
                                 : static_cast<int64_t>(w->tokens.size());
  offload_signals(w->signals, w->gen().max_tokens, w->chat());
  const bool memory_short = !router::memory_shortage(w->signals).empty();
  // Privacy-local, intent and offload rules decide without the perplexity; otherwise the edge
  // prefill (which a local answer continues from) yields it.
  if (auto pre = routing_->decide_before_ppl(w->signals);
      pre && pre->route == router::Route::kCloud && w->signals.commander_reachable) {
    w->decision = *pre;
  } else {
    if (!w->signals.modality.empty()) {
      w->decision = routing_->decide(w->signals);
      refuse_modality(*w);  // kept local or offline: the edge cannot read it
    }
    if (memory_short) refuse_for_memory(*w, res);  // kept local, nowhere to go
    prefill_on_edge(*w, /*scored=*/!progress_in_stream(*w));
    w->decision = routing_->decide(w->signals);
  }
  if (w->decision.route == router::Route::kCloud) {
    // Short of memory no drafter is made: the plain cloud path needs no edge memory. The
    // drafter cannot read images or audio either.
    if (w->chat() && speculative_allowed(w->req) && !memory_short && !w->has_media) {
      const auto r = answer_speculative(w, res);
      if (r == SpecResult::kAnswered) return;
      if (r == SpecResult::kUnreachable) {
        w->signals.commander_reachable = false;
        w->decision = routing_->decide(w->signals);
        answer_on_edge(w, res);
        return;
      }
    }
    w->session.reset();  // the edge is free while the Commander answers
    if (answer_from_cloud(w, res)) return;
    w->signals.commander_reachable = false;
    w->decision = routing_->decide(w->signals);
    if (!w->signals.modality.empty()) refuse_modality(*w);
    if (memory_short) refuse_for_memory(*w, res);
  }
  answer_on_edge(w, res);
}

bool DispatcherService::progress_in_stream(const Walk& w) const {
  if (!w.gen().stream || !w.gen().return_progress) return false;
  if (!w.chat() && w.creq.echo && w.creq.logprobs >= 0) return false;  // scores the prompt
  // The headers carry the route: only a route the perplexity cannot change lets the prefill
  // run after them.
  if (!routing_->policy().ppl_threshold || !w.signals.commander_reachable) return true;
  const auto pre = routing_->decide_before_ppl(w.signals);
  return pre && pre->route == router::Route::kEdge;
}

void DispatcherService::offload_signals(router::RoutingSignals& s, int64_t max_tokens,
                                        bool chat) const {
  s.edge_context = edge_->n_ctx();
  s.answer_reserve = chat && opts_.context_overflow != ContextOverflow::kError
                         ? answer_reserve(max_tokens, opts_.edge_max_tokens, s.edge_context)
                         : 0;
  // A Commander the probe cannot reach, or whose circuit is open, is not waited for.
  s.commander_reachable = link_->available();
  s.edge_memory_low = guard_->check();
  s.memory_available = guard_->available_bytes();
  s.memory_floor = guard_->min_free_bytes();
  s.max_tokens = max_tokens;
  s.edge_max_tokens = opts_.edge_max_tokens;
  s.kv_bytes =
      projected_kv_bytes(s.prompt_tokens, edge_answer_tokens(max_tokens, opts_.edge_max_tokens),
                         s.edge_context, edge_->kv_bytes_per_position());
}

void DispatcherService::refuse_modality(const Walk& w) const {
  std::string hint;
  if (w.signals.media_private)
    hint = opts_.media ? "; --media allow-cloud would let it go to the Commander"
                       : "; start the Dispatcher with --mmproj FILE to read it on the edge, or "
                         "--media allow-cloud to let it go to the Commander";
  throw http::ApiError(400,
                       "the edge model has no encoder for " + w.signals.modality +
                           " content and the request cannot go to the Commander (" +
                           w.decision.explain() + ")" + hint,
                       "invalid_request_error", "messages", "unsupported_modality");
}

void DispatcherService::refuse_for_memory(const Walk& w, httplib::Response& res) const {
  res.set_header("Retry-After", "5");
  // Under the floor now, or the request's projected KV would take it there.
  const std::string why = w.signals.edge_memory_low ? cache::memory_shortage(*guard_)
                                                    : router::memory_shortage(w.signals);
  throw http::ApiError(
      503, "device short of memory (" + why + ") and the request cannot go to the Commander",
      "server_error", "", "memory_pressure");
}

// ---- POST /v1/responses --------------------------------------------------------------------
// The Responses API as an adapter over this role's own chat_completions
// (src/api/responses/responses.h).

void DispatcherService::responses(const httplib::Request& req, httplib::Response& res) {
  api::serve_responses(*this, req, res);
}

void DispatcherService::retrieve_response(const httplib::Request& req, httplib::Response& res) {
  api::retrieve_response(req, res);
}

void DispatcherService::delete_response(const httplib::Request& req, httplib::Response& res) {
  api::delete_response(req, res);
}

}  // namespace tandem::dispatcher
