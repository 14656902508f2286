// The routing decision: a pure function of the request's signals and the policy.
// Order: privacy "local" rule -> intent -> perplexity -> default (edge); a cloud decision
// becomes an edge one when the Commander cannot be reached.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/pii_type.h"
#include "router/intent_classifier.h"
#include "router/policy.h"

namespace tandem::router {

enum class Route { kEdge, kCloud };
enum class Reason { kPrivacyLocal, kIntent, kContext, kMemory, kPpl, kDefault, kOffline };

std::string_view route_name(Route r);  // "edge" | "cloud"
std::string_view reason_name(
    Reason r);  // "privacy_local" | "intent" | "context" | "memory" | "ppl" | "default" | "offline"

struct RoutingSignals {
  std::vector<privacy::PiiType> pii;  // types found in the request (repeats allowed)
  std::optional<IntentResult> intent;
  std::optional<double> ppl;  // absent when not computed (e.g. decided before the prefill)
  bool commander_reachable = true;
  // The prompt against the edge context (0: unknown): a prompt the edge cannot hold is
  // offloaded to the cloud unless privacy keeps it local.
  int64_t prompt_tokens = 0;
  int64_t edge_context = 0;
  // The device's memory guard is under its floor: work goes to the cloud (offload) unless
  // privacy keeps it local.
  bool edge_memory_low = false;
};

struct Decision {
  Route route = Route::kEdge;
  Reason reason = Reason::kDefault;
  std::string detail;  // human-readable: which types, which intent, which numbers

  // "intent: coding (p=0.97)", the x-tandem-reason header's value.
  std::string explain() const;
};

Decision decide(const RoutingSignals& signals, const RoutingPolicy& policy);

}  // namespace tandem::router
