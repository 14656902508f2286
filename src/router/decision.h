// The routing decision: a pure function of the request's signals and the policy.
// Order: privacy "local" rule (a PII type, or media kept on the device) -> intent -> offload
// (context, modality, max_tokens, memory: what the edge cannot serve) -> perplexity -> default
// (edge); a cloud decision becomes an edge one when the Commander cannot be reached.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/pii_type.h"
#include "router/intent_classifier.h"
#include "router/policy.h"

namespace tandem::router {

enum class Route { kEdge, kCloud };
// The kOffload* reasons: the edge cannot serve the request within its budget (dynamic
// offload), named "offload:<what>".
enum class Reason {
  kPrivacyLocal,
  kIntent,
  kContext,
  kModality,
  kMaxTokens,
  kMemory,
  kPpl,
  kDefault,
  kOffline
};

std::string_view route_name(Route r);  // "edge" | "cloud"
// "privacy_local" | "intent" | "offload:context" | "offload:modality" | "offload:max_tokens" |
// "offload:memory" | "ppl" | "default" | "offline"
std::string_view reason_name(Reason r);
// A capability offload: the edge cannot serve it (context, modality, max_tokens, memory).
bool is_offload(Reason r);

struct RoutingSignals {
  std::vector<privacy::PiiType> pii;  // types found in the request (repeats allowed)
  std::optional<IntentResult> intent;
  std::optional<double> ppl;  // absent when not computed (e.g. decided before the prefill)
  bool commander_reachable = true;
  // The prompt against the edge context (0: unknown): a prompt the edge cannot hold is
  // offloaded to the cloud unless privacy keeps it local.
  int64_t prompt_tokens = 0;
  int64_t edge_context = 0;
  // Positions a chat's answer needs beside its prompt (0: not counted): a prompt that leaves
  // fewer is offloaded by the same rule (--context-overflow offload|trim).
  int64_t answer_reserve = 0;
  // The device's memory guard is under its floor: work goes to the cloud (offload) unless
  // privacy keeps it local.
  bool edge_memory_low = false;
  // The KV the request would fill on the edge (prompt + answer positions; 0: unknown) against
  // the memory available and the guard's floor (0: no guard): a request whose KV would take
  // free memory under the floor is offloaded like one arriving under it.
  uint64_t kv_bytes = 0;
  uint64_t memory_available = 0;
  uint64_t memory_floor = 0;
  // The request's max_tokens (< 0: not given) against the edge's answer budget (<= 0: none).
  int64_t max_tokens = -1;
  int64_t edge_max_tokens = 0;
  // A content part the edge has no encoder for ("image_url", "input_audio"; empty: text only).
  std::string modality;
  // The request holds media and the media policy keeps media on the device (the Dispatcher's
  // --media edge-only): decided like a privacy-local type ("privacy_local: media").
  bool media_private = false;
};

// Why the edge is short of memory for this request ("" when it is not): under the floor now,
// or the projected KV would take it there.
std::string memory_shortage(const RoutingSignals& s);

struct Decision {
  Route route = Route::kEdge;
  Reason reason = Reason::kDefault;
  std::string detail;  // human-readable: which types, which intent, which numbers

  // "intent: coding (p=0.97)", the x-tandem-reason header's value.
  std::string explain() const;
};

Decision decide(const RoutingSignals& signals, const RoutingPolicy& policy);

}  // namespace tandem::router
