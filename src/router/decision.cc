#include "router/decision.h"

#include <cstdio>

namespace tandem::router {
namespace {

std::string fmt_double(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

double probability_of(const IntentResult& r) {
  for (const auto& s : r.scores)
    if (s.label == r.label) return s.probability;
  return 0.0;
}

Decision before_reachability(const RoutingSignals& s, const RoutingPolicy& p) {
  if (const auto local = p.privacy.local_types(s.pii); !local.empty()) {
    std::string types;
    for (auto t : local) {
      if (!types.empty()) types += ',';
      types += privacy::pii_key(t);
    }
    return {Route::kEdge, Reason::kPrivacyLocal, types};
  }
  if (s.intent && p.routes_to_cloud(s.intent->label)) {
    const double prob = probability_of(*s.intent);
    if (prob >= p.intent_min_confidence)
      return {Route::kCloud, Reason::kIntent, s.intent->label + fmt_double(" (p=%.2f)", prob)};
  }
  if (s.edge_context > 0 && s.prompt_tokens >= s.edge_context)
    return {Route::kCloud, Reason::kContext,
            std::to_string(s.prompt_tokens) + " prompt tokens >= edge context " +
                std::to_string(s.edge_context)};
  if (s.edge_memory_low)
    return {Route::kCloud, Reason::kMemory, "edge memory under the guard's floor"};
  if (s.ppl && p.ppl_threshold && *s.ppl > *p.ppl_threshold)
    return {Route::kCloud, Reason::kPpl,
            fmt_double("%.3f", *s.ppl) + " > " + fmt_double("%.3f", *p.ppl_threshold)};
  std::string detail = s.intent ? "intent " + s.intent->label : "no intent";
  if (s.ppl && p.ppl_threshold)
    detail += ", ppl " + fmt_double("%.3f", *s.ppl) + " <= " + fmt_double("%.3f", *p.ppl_threshold);
  return {Route::kEdge, Reason::kDefault, detail};
}

}  // namespace

std::string_view route_name(Route r) {
  return r == Route::kCloud ? "cloud" : "edge";
}

std::string_view reason_name(Reason r) {
  switch (r) {
    case Reason::kPrivacyLocal:
      return "privacy_local";
    case Reason::kIntent:
      return "intent";
    case Reason::kContext:
      return "context";
    case Reason::kMemory:
      return "memory";
    case Reason::kPpl:
      return "ppl";
    case Reason::kDefault:
      return "default";
    case Reason::kOffline:
      return "offline";
  }
  return "unknown";
}

std::string Decision::explain() const {
  return std::string(reason_name(reason)) + (detail.empty() ? "" : ": " + detail);
}

Decision decide(const RoutingSignals& signals, const RoutingPolicy& policy) {
  Decision d = before_reachability(signals, policy);
  if (d.route == Route::kCloud && !signals.commander_reachable)
    return {Route::kEdge, Reason::kOffline, "commander unreachable; would route by " + d.explain()};
  return d;
}

}  // namespace tandem::router
