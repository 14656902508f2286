// The Dispatcher's per-request routing signals and decision, everything except the edge
// prefill: privacy scan of every message, intent of the last user message, then
// router::decide. Pure and thread-safe after construction (the routing-overhead benchmark
// measures exactly this class).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "privacy/detector.h"
#include "router/decision.h"
#include "router/intent_classifier.h"
#include "router/policy.h"
#include "template/chat_template.h"

namespace tandem::dispatcher {

class RoutingPipeline {
 public:
  // Without a classifier there is no intent signal.
  RoutingPipeline(router::RoutingPolicy policy, std::optional<router::IntentClassifier> intent,
                  const privacy::PiiDetector& detector = privacy::PiiDetector::shared());

  // Privacy scan (contents and tool-call arguments) + intent; ppl left absent.
  router::RoutingSignals scan(const std::vector<templates::ChatMessage>& messages) const;
  // The decision if it does not depend on the perplexity (privacy local, intent), else empty:
  // then the caller runs the prefill, sets signals.ppl and calls decide().
  std::optional<router::Decision> decide_before_ppl(const router::RoutingSignals& s) const;
  router::Decision decide(const router::RoutingSignals& s) const;

  // The body of POST /v1/route: decision and every signal (PII types, never values).
  // Where PII was found: [{"message": index, "type", "begin", "end"}] with byte offsets into
  // each message's content (the /v1/route playground highlights them).
  nlohmann::json pii_spans(const std::vector<templates::ChatMessage>& messages) const;
  nlohmann::json explain_json(const router::RoutingSignals& s, const router::Decision& d) const;

  const router::RoutingPolicy& policy() const { return policy_; }

 private:
  router::RoutingPolicy policy_;
  std::optional<router::IntentClassifier> intent_;
  const privacy::PiiDetector& detector_;
};

}  // namespace tandem::dispatcher
