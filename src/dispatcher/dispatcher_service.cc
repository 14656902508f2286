#include "dispatcher/dispatcher_service.h"

#include <functional>
#include <random>

#include "api/embeddings.h"
#include "api/openai_response.h"
#include "dispatcher/dispatcher_walk.h"
#include "http/api_error.h"
#include "http/json_util.h"
#include "privacy/stream_unmasker.h"

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

std::string conversation_id(const json& body, const httplib::Request& req,
                            const std::vector<templates::ChatMessage>& messages) {
  if (auto it = body.find("user"); it != body.end() && it->is_string() && !it->empty())
    return "user:" + it->get<std::string>();
  if (auto h = req.get_header_value("x-tandem-conversation"); !h.empty()) return "header:" + h;
  for (const auto& m : messages)
    if (m.role == "user") return "first:" + std::to_string(std::hash<std::string>{}(m.content));
  return "none";
}

json masked_chat_body(const json& body, privacy::Masker& masker,
                      const std::string& commander_model) {
  json out = body;
  out.erase("user");
  if (commander_model.empty())
    out.erase("model");
  else
    out["model"] = commander_model;
  // Learn every value of the conversation first, so a name found in a later message is
  // masked in the earlier ones too; a message's `name` field is a name in its own right.
  for (const auto& m : out["messages"]) {
    if (!m.is_object()) continue;
    if (auto c = m.find("content"); c != m.end()) {
      if (c->is_string()) {
        masker.learn(c->get<std::string>());
      } else if (c->is_array()) {
        for (const auto& part : *c)
          if (part.is_object() && part.contains("text") && part["text"].is_string())
            masker.learn(part["text"].get<std::string>());
      }
    }
    if (auto n = m.find("name"); n != m.end() && n->is_string())
      masker.learn_value(n->get<std::string>(), privacy::PiiType::kName);
  }
  for (auto& m : out["messages"]) {
    if (!m.is_object()) continue;
    if (auto c = m.find("content"); c != m.end()) {
      if (c->is_string()) {
        *c = masker.mask(c->get<std::string>());
      } else if (c->is_array()) {
        for (auto& part : *c)
          if (part.is_object() && part.contains("text") && part["text"].is_string())
            part["text"] = masker.mask(part["text"].get<std::string>());
      }
    }
    if (auto n = m.find("name"); n != m.end() && n->is_string())
      *n = masker.mask(n->get<std::string>());
  }
  return out;
}

DispatcherService::DispatcherService(std::unique_ptr<EdgeEngine> edge,
                                     std::unique_ptr<RoutingPipeline> routing,
                                     DispatcherOptions opts, http::Metrics& metrics)
    : edge_(std::move(edge)),
      routing_(std::move(routing)),
      opts_(std::move(opts)),
      metrics_(metrics) {}

engine::SamplerParams DispatcherService::sampling_for(const api::GenerationParams& g) const {
  engine::SamplerParams p = g.sampling;
  if (!g.seed_given && !opts_.fixed_seed) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    p.seed = rng();
  }
  return p;
}

void DispatcherService::models(const httplib::Request&, httplib::Response& res) {
  json m = {{"id", opts_.model_alias},
            {"object", "model"},
            {"created", 0},
            {"owned_by", "tandem"},
            {"context_length", edge_->n_ctx()}};
  res.set_content(http::dump({{"object", "list"}, {"data", json::array({m})}}), "application/json");
}

void DispatcherService::embeddings(const httplib::Request& http_req, httplib::Response& res) {
  api::EmbeddingEngine e{edge_->transformer(), opts_.model_alias, edge_->n_ctx(), {}, {}};
  e.opts.pooling = opts_.pooling.value_or(engine::model_pooling(edge_->model()));
  // The edge engine is used by one session at a time: each forward holds it (a private
  // KvCache, so the chat session's cache is untouched), letting chats run between them.
  e.run = [this](const std::function<void()>& work) {
    EdgeSession hold(*edge_);
    work();
  };
  res.set_content(http::dump(api::answer_embeddings(api::parse_body(http_req.body), e)),
                  "application/json");
}

void DispatcherService::completions(const httplib::Request&, httplib::Response&) {
  throw http::ApiError(404,
                       "the dispatcher routes /v1/chat/completions only; send the prompt as a user "
                       "message",
                       "invalid_request_error", "", "unsupported_endpoint");
}

void DispatcherService::set_route_headers(const Walk& w, httplib::Response& res, bool speculative) {
  const std::string route =
      speculative ? kRouteCloudSpeculative : std::string(router::route_name(w.decision.route));
  res.set_header("x-tandem-route", route);
  res.set_header("x-tandem-reason", w.decision.explain());
  metrics_.count_decision(route, std::string(router::reason_name(w.decision.reason)));
}

namespace {

http::ApiError edge_error(const std::exception& e) {
  return http::ApiError(400, std::string("edge model: ") + e.what(), "invalid_request_error",
                        "messages", "context_length_exceeded");
}

}  // namespace

void DispatcherService::prefill_on_edge(Walk& w) {
  try {
    w.session = std::make_unique<EdgeSession>(*edge_);
    if (w.tokens.size() >= 2)
      w.signals.ppl = w.session->prefill_scored(w.tokens).ppl;
    else
      w.session->prefill(w.tokens);
  } catch (const std::invalid_argument& e) {
    throw edge_error(e);
  }
}

void DispatcherService::route_decision(const httplib::Request& http_req, httplib::Response& res) {
  const json body = api::parse_body(http_req.body);
  const auto r = api::parse_chat_request(body, opts_.sampling);
  auto signals = routing_->scan(r.messages);
  const auto tokens = edge_->encode(edge_->render(r.messages));
  try {
    EdgeSession s(*edge_);
    if (tokens.size() >= 2) signals.ppl = s.prefill_scored(tokens).ppl;
  } catch (const std::invalid_argument& e) {
    throw edge_error(e);
  }
  const auto d = routing_->decide(signals);
  json out = routing_->explain_json(signals, d);
  out["prompt_tokens"] = tokens.size();
  // The outcome a chat request would get (unless the Commander lacks the verify endpoint).
  if (d.route == router::Route::kCloud && opts_.speculative) out["route"] = kRouteCloudSpeculative;
  res.set_header("x-tandem-route", out["route"].get<std::string>());
  res.set_header("x-tandem-reason", d.explain());
  res.set_content(http::dump(out), "application/json");
}

void DispatcherService::chat_completions(const httplib::Request& http_req, httplib::Response& res) {
  auto w = std::make_shared<Walk>();
  w->body = api::parse_body(http_req.body);
  w->req = api::parse_chat_request(w->body, opts_.sampling);
  w->sampling = sampling_for(w->req.gen);
  w->conversation = conversation_id(w->body, http_req, w->req.messages);
  w->signals = routing_->scan(w->req.messages);
  w->prompt_text = edge_->render(w->req.messages);
  w->tokens = edge_->encode(w->prompt_text);

  // Privacy-local and intent rules decide without the perplexity; otherwise the edge prefill
  // (which a local answer continues from) yields it.
  if (auto pre = routing_->decide_before_ppl(w->signals);
      pre && pre->route == router::Route::kCloud) {
    w->decision = *pre;
  } else {
    prefill_on_edge(*w);
    w->decision = routing_->decide(w->signals);
  }
  if (w->decision.route == router::Route::kCloud) {
    if (opts_.speculative) {
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
  }
  answer_on_edge(w, res);
}

}  // namespace tandem::dispatcher
