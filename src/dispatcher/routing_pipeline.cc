#include "dispatcher/routing_pipeline.h"

namespace tandem::dispatcher {

using nlohmann::json;

RoutingPipeline::RoutingPipeline(router::RoutingPolicy policy,
                                 std::optional<router::IntentClassifier> intent,
                                 const privacy::PiiDetector& detector)
    : policy_(std::move(policy)), intent_(std::move(intent)), detector_(detector) {}

router::RoutingSignals RoutingPipeline::scan(
    const std::vector<templates::ChatMessage>& messages) const {
  router::RoutingSignals s;
  for (const auto& m : messages) {
    for (const auto& match : detector_.detect(m.content)) s.pii.push_back(match.type);
    // Tool-call arguments leave the device like content does (masked on the cloud route).
    for (const auto& call : m.tool_calls)
      for (const auto& match : detector_.detect(call.arguments)) s.pii.push_back(match.type);
  }
  if (intent_) {
    const templates::ChatMessage* last_user = nullptr;
    for (const auto& m : messages)
      if (m.role == "user") last_user = &m;
    if (!last_user && !messages.empty()) last_user = &messages.back();
    if (last_user) s.intent = intent_->classify(last_user->content);
  }
  return s;
}

std::optional<router::Decision> RoutingPipeline::decide_before_ppl(
    const router::RoutingSignals& s) const {
  router::RoutingSignals no_ppl = s;
  no_ppl.ppl.reset();
  no_ppl.commander_reachable = true;
  auto d = router::decide(no_ppl, policy_);
  if (d.reason == router::Reason::kPrivacyLocal || d.reason == router::Reason::kIntent ||
      router::is_offload(d.reason))
    return d;
  return std::nullopt;
}

router::Decision RoutingPipeline::decide(const router::RoutingSignals& s) const {
  return router::decide(s, policy_);
}

json RoutingPipeline::pii_spans(const std::vector<templates::ChatMessage>& messages) const {
  json spans = json::array();
  for (size_t i = 0; i < messages.size(); ++i)
    for (const auto& match : detector_.detect(messages[i].content))
      spans.push_back({{"message", i},
                       {"type", std::string(privacy::pii_key(match.type))},
                       {"begin", match.begin},
                       {"end", match.end}});
  return spans;
}

json RoutingPipeline::explain_json(const router::RoutingSignals& s,
                                   const router::Decision& d) const {
  json pii = json::array();
  json counts = json::object();
  for (auto t : s.pii) {
    const std::string key(privacy::pii_key(t));
    if (!counts.contains(key)) pii.push_back(key);
    counts[key] = counts.value(key, 0) + 1;
  }
  json intent = nullptr;
  if (s.intent) {
    json scores = json::object();
    for (const auto& sc : s.intent->scores) scores[sc.label] = sc.probability;
    intent = {{"label", s.intent->label}, {"scores", scores}};
  }
  json local = json::array();
  for (auto t : policy_.privacy.local_types(s.pii))
    local.push_back(std::string(privacy::pii_key(t)));
  return {{"route", std::string(router::route_name(d.route))},
          {"reason", std::string(router::reason_name(d.reason))},
          {"detail", d.detail},
          {"explain", d.explain()},
          {"signals",
           {{"pii", pii},
            {"pii_counts", counts},
            {"pii_local", local},
            {"intent", intent},
            {"cloud_intents", policy_.cloud_intents},
            {"ppl", s.ppl ? json(*s.ppl) : json(nullptr)},
            {"prompt_tokens", s.prompt_tokens},
            {"edge_context", s.edge_context},
            {"answer_reserve", s.answer_reserve},
            {"max_tokens", s.max_tokens < 0 ? json(nullptr) : json(s.max_tokens)},
            {"edge_max_tokens", s.edge_max_tokens > 0 ? json(s.edge_max_tokens) : json(nullptr)},
            {"modality", s.modality.empty() ? json(nullptr) : json(s.modality)},
            {"media_private", s.media_private},
            {"kv_bytes", s.kv_bytes},
            {"memory_available", s.memory_available},
            {"memory_floor", s.memory_floor},
            {"edge_memory_low", s.edge_memory_low},
            {"ppl_threshold", policy_.ppl_threshold ? json(*policy_.ppl_threshold) : json(nullptr)},
            {"commander_reachable", s.commander_reachable}}}};
}

}  // namespace tandem::dispatcher
