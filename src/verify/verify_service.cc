#include "verify/verify_service.h"

#include <thread>

#include "http/api_error.h"
#include "http/json_util.h"

namespace tandem::verify {
namespace {

using nlohmann::json;

std::vector<tokenizer::TokenId> token_list(const json& body, const char* key) {
  std::vector<tokenizer::TokenId> out;
  if (!body.contains(key)) return out;
  const json& a = body[key];
  if (!a.is_array())
    throw http::bad_field(key, std::string("'") + key + "' must be an array of token ids");
  for (const json& t : a) {
    if (!t.is_number_integer())
      throw http::bad_field(key, std::string("'") + key + "' must hold integers");
    out.push_back(t.get<tokenizer::TokenId>());
  }
  return out;
}

template <typename T>
void read_opt(const json& body, const char* key, T& out) {
  if (!body.contains(key) || body[key].is_null()) return;
  try {
    out = body[key].get<T>();
  } catch (const json::exception&) {
    throw http::bad_field(key, std::string("'") + key + "' has the wrong type");
  }
}

engine::SamplerParams sampling_of(const json& body) {
  engine::SamplerParams p;
  read_opt(body, "temperature", p.temperature);
  read_opt(body, "top_k", p.top_k);
  read_opt(body, "top_p", p.top_p);
  read_opt(body, "min_p", p.min_p);
  read_opt(body, "repeat_penalty", p.repeat_penalty);
  read_opt(body, "repeat_last_n", p.repeat_last_n);
  read_opt(body, "presence_penalty", p.presence_penalty);
  read_opt(body, "frequency_penalty", p.frequency_penalty);
  read_opt(body, "seed", p.seed);
  try {
    engine::validate(p);
  } catch (const std::invalid_argument& e) {
    throw http::ApiError(400, e.what());
  }
  return p;
}

// draft_probs: per drafted position, [[id, p], ...] (sparse: top entries + the chosen one).
std::vector<spec::Dist> draft_probs_of(const json& body) {
  std::vector<spec::Dist> out;
  if (!body.contains("draft_probs") || body["draft_probs"].is_null()) return out;
  const json& a = body["draft_probs"];
  auto bad = [] {
    return http::bad_field("draft_probs", "'draft_probs' must be [[[id, p], ...], ...]");
  };
  if (!a.is_array()) throw bad();
  for (const json& pos : a) {
    if (!pos.is_array()) throw bad();
    spec::Dist d;
    for (const json& e : pos) {
      if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number())
        throw bad();
      d.push_back({e[0].get<tokenizer::TokenId>(), e[1].get<float>()});
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

VerifyService::VerifyService(const engine::Model& model, VerifyOptions opts)
    : model_(model),
      opts_(opts),
      tf_(model, opts.threads > 0
                     ? opts.threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
      store_(opts.sessions) {}

json VerifyService::verify(const json& body) {
  if (!body.is_object()) throw http::ApiError(400, "the request body must be a JSON object");
  if (!body.contains("session_id") || !body["session_id"].is_string() ||
      body["session_id"].get<std::string>().empty())
    throw http::bad_field("session_id", "'session_id' must be a non-empty string");
  const std::string id = body["session_id"].get<std::string>();
  bool reset = false;
  read_opt(body, "reset", reset);
  const auto append = token_list(body, "append");
  const auto draft = token_list(body, "draft");
  const auto dists = draft_probs_of(body);

  std::lock_guard lock(mu_);
  spec::TargetSession* s = reset ? nullptr : store_.find(id);
  if (!s && !reset)
    throw http::ApiError(404,
                         "verify session '" + id +
                             "' is unknown or was evicted: resend the whole "
                             "context with \"reset\": true",
                         "not_found_error", "session_id", "session_not_found");
  if (!s) {
    try {
      s = &store_.create(id, std::make_unique<spec::TargetSession>(model_, sampling_of(body),
                                                                   opts_.max_ctx, opts_.kv_type));
    } catch (const std::invalid_argument& e) {
      throw http::ApiError(400, e.what());
    }
  }
  spec::VerifyOutcome out;
  try {
    out = s->verify(tf_, append, draft, dists);
  } catch (const std::invalid_argument& e) {
    store_.erase(id);  // the session's state is unreliable now; the client resets
    throw http::ApiError(400, e.what());
  } catch (...) {
    store_.erase(id);
    throw;
  }
  const auto n_past = s->tokens().size();
  store_.enforce(id);
  return {{"accepted", out.n_accepted},         {"token", out.token},
          {"n_uniform", out.n_uniform},         {"n_past", n_past},
          {"n_vocab", model_.config().n_vocab}, {"n_ctx", opts_.max_ctx}};
}

void VerifyService::handle(const httplib::Request& req, httplib::Response& res) {
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::parse_error& e) {
    throw http::ApiError(400, std::string("the body is not valid JSON: ") + e.what());
  }
  res.set_content(http::dump(verify(body)), "application/json");
}

size_t VerifyService::n_sessions() {
  std::lock_guard lock(mu_);
  return store_.size();
}

int64_t VerifyService::evictions() {
  std::lock_guard lock(mu_);
  return store_.evictions();
}

size_t VerifyService::release_sessions() {
  std::lock_guard lock(mu_);
  return store_.clear();
}

}  // namespace tandem::verify
