#include "sdk/hybrid_client.h"

#include <filesystem>

#include "dispatcher/cloud/commander_client.h"
#include "dispatcher/offload.h"
#include "router/data_files.h"
#include "router/intent_classifier.h"
#include "router/policy.h"
#include "sdk/c_error.h"
#include "sdk/edge_chat.h"

namespace tandem::sdk {

struct HybridClient::Routed {
  std::string prompt_text;
  std::vector<tokenizer::TokenId> tokens;
  router::RoutingSignals signals;
  router::Decision decision;
  double ppl = -1;
  std::unique_ptr<dispatcher::EdgeSession> session;  // the held prefill, when there is one
};

namespace {

std::string str(const char* s) {
  return s ? s : "";
}

router::RoutingPolicy load_policy(const std::string& path) {
  if (path.empty()) return {};
  if (!std::filesystem::exists(path))
    throw SdkError{TANDEM_ERR_IO, "routing policy '" + path + "' not found"};
  return router::RoutingPolicy::load(path);  // std::invalid_argument names the problem
}

std::optional<router::IntentClassifier> load_intent(const std::string& given) {
  if (given == "none") return std::nullopt;
  const std::string path =
      given.empty() ? router::data_file("intent/intent_model.bin").string() : given;
  if (!std::filesystem::exists(path))
    throw SdkError{TANDEM_ERR_IO,
                   "intent model '" + path + "' not found (set intent_model_path, or \"none\")"};
  return router::IntentClassifier::load(path);
}

int ms_or(int32_t v, int fallback) {
  return v > 0 ? v : fallback;
}

}  // namespace

HybridClient::HybridClient(dispatcher::EdgeEngine& edge, const tandem_client_params& p)
    : edge_(edge), params_(p), commander_model_(str(p.commander_model)) {
  routing_ = std::make_unique<dispatcher::RoutingPipeline>(load_policy(str(p.policy_path)),
                                                           load_intent(str(p.intent_model_path)));
  offline_ = p.offline != 0;
  const std::string url = str(p.commander_url);
  if (!url.empty()) {
    dispatcher::CommanderOptions o;
    o.url = url;
    o.api_key = str(p.api_key);
    o.connect_timeout_ms = ms_or(p.connect_timeout_ms, o.connect_timeout_ms);
    o.first_byte_timeout_ms = ms_or(p.first_byte_timeout_ms, o.first_byte_timeout_ms);
    o.stall_timeout_ms = ms_or(p.stall_timeout_ms, o.stall_timeout_ms);
    o.probe_interval_ms = ms_or(p.probe_interval_ms, o.probe_interval_ms);
    std::string origin, prefix;
    dispatcher::split_commander_url(o.url, origin, prefix);  // invalid_argument: a bad URL
    link_ = std::make_unique<dispatcher::CommanderLink>(std::move(o), metrics_);
  }
  // The strings of p are the app's: only the copies above are kept.
  params_.commander_url = params_.api_key = params_.commander_model = nullptr;
  params_.policy_path = params_.intent_model_path = nullptr;
}

HybridClient::~HybridClient() = default;

bool HybridClient::cloud_possible() const {
  return link_ && !offline_ && link_->available();
}

HybridClient::Routed HybridClient::decide(const std::vector<templates::ChatMessage>& messages) {
  Routed r;
  r.prompt_text = edge_.render(messages);
  const bool fits_at_all = edge_.could_fit(r.prompt_text.size());
  if (fits_at_all) r.tokens = edge_.encode(r.prompt_text);
  auto& s = r.signals;
  s = routing_->scan(messages);
  s.prompt_tokens = fits_at_all ? static_cast<int64_t>(r.tokens.size())
                                : edge_.prompt_tokens_at_least(r.prompt_text.size());
  s.edge_context = edge_.n_ctx();
  s.commander_reachable = cloud_possible();
  s.edge_memory_low = memory_low_;
  s.max_tokens = params_.max_tokens;
  if (auto pre = routing_->decide_before_ppl(s);
      pre && pre->route == router::Route::kCloud && s.commander_reachable) {
    r.decision = *pre;  // no edge work for a reply the Commander gives
    return r;
  }
  if (s.prompt_tokens < edge_.n_ctx()) {
    r.session = std::make_unique<dispatcher::EdgeSession>(edge_);
    if (routing_->policy().ppl_threshold && r.tokens.size() >= 2) {
      r.ppl = r.session->prefill_scored(r.tokens).ppl;
      s.ppl = r.ppl;
    } else {
      r.session->prefill(r.tokens);  // start() prefills it with the reply
    }
  }
  r.decision = routing_->decide(s);
  return r;
}

EdgeReply HybridClient::answer_on_edge(Routed& r, const std::string& sent, int64_t n_sent,
                                       const PieceFn& on_piece) {
  if (!sent.empty() || !r.session) {
    // A continuation: the prompt and the reply so far, as the Dispatcher's failover.
    const std::string text = r.prompt_text + sent;
    if (!edge_.could_fit(text.size()))
      throw SdkError{TANDEM_ERR_CONTEXT_EXCEEDED,
                     "the conversation does not fit the edge context of " +
                         std::to_string(edge_.n_ctx()) + " tokens"};
    auto tokens = sent.empty() && !r.tokens.empty() ? r.tokens : edge_.encode(text);
    check_fits(edge_, tokens);
    r.session = std::make_unique<dispatcher::EdgeSession>(edge_, false);
    r.session->prefill(tokens);
  }
  dispatcher::EdgeSession::Options o;
  o.sampling = sampling(params_.temperature, 0.95f, 40, params_.seed);
  o.max_tokens = params_.max_tokens < 0 ? -1 : std::max<int64_t>(0, params_.max_tokens - n_sent);
  o.trim_leading = sent.empty();
  o.end_of_turn_stops = true;
  r.session->start(std::move(o));
  return drain(*r.session, edge_.tokenizer(), on_piece);
}

int HybridClient::send(const char* role, const char* content, const PieceFn& on_piece) {
  check_role(role);
  if (!content) throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, "content is NULL"};
  sampling(params_.temperature, 0.95f, 40, params_.seed);  // validates before any work
  last_reply_.clear();
  messages_.emplace_back(role, content);
  try {
    Routed r = decide(messages_);
    std::string sent;
    int64_t n_sent = 0;
    bool stopped = false, answered = false;
    if (r.decision.route == router::Route::kCloud) {
      r.session.reset();  // the edge is free while the Commander answers
      const CloudRequest req{commander_model_, params_.temperature, params_.max_tokens,
                             params_.seed};
      CloudReply c = ask_commander(*link_, messages_, masker_, req, on_piece);
      sent = std::move(c.text);
      n_sent = c.n_events;
      stopped = c.outcome == CloudOutcome::kStopped;
      answered = stopped || c.outcome == CloudOutcome::kAnswered;
      if (!answered) {  // the edge answers (or continues): offline, as the Dispatcher says
        r.signals.commander_reachable = false;
        r.decision = routing_->decide(r.signals);
      }
    }
    std::string reply = sent;
    if (!answered) {
      const EdgeReply e = answer_on_edge(r, sent, n_sent, on_piece);
      reply += e.text;
      stopped = e.stopped;
    }
    last_reply_ = std::move(reply);
    last_decision_ = r.decision;
    last_ppl_ = r.ppl;
    messages_.emplace_back("assistant", last_reply_);
    return stopped ? TANDEM_STOPPED : TANDEM_OK;
  } catch (...) {
    messages_.pop_back();
    throw;
  }
}

router::Decision HybridClient::route(const std::string& prompt, double& ppl) {
  auto messages = messages_;
  messages.emplace_back("user", prompt);
  Routed r = decide(messages);
  ppl = r.ppl;
  return r.decision;
}

void HybridClient::trim_memory(int level) {
  if (level >= TANDEM_TRIM_MEMORY_CRITICAL) {
    memory_low_ = true;
    edge_.lower_kv_budget();
  } else if (level < TANDEM_TRIM_MEMORY_MODERATE) {
    memory_low_ = false;
  }
}

void HybridClient::reset() {
  messages_.clear();
  last_reply_.clear();
  masker_ = privacy::Masker();
  last_decision_ = {};
  last_ppl_ = -1;
}

}  // namespace tandem::sdk
