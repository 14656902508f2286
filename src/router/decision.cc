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
  if (s.media_private) return {Route::kEdge, Reason::kPrivacyLocal, "media"};
  if (s.intent && p.routes_to_cloud(s.intent->label)) {
    const double prob = probability_of(*s.intent);
    if (prob >= p.intent_min_confidence)
      return {Route::kCloud, Reason::kIntent, s.intent->label + fmt_double(" (p=%.2f)", prob)};
  }
  if (s.edge_context > 0 && s.prompt_tokens >= s.edge_context)
    return {Route::kCloud, Reason::kContext,
            std::to_string(s.prompt_tokens) + " prompt tokens >= edge context " +
                std::to_string(s.edge_context)};
  if (s.edge_context > 0 && s.answer_reserve > 0 &&
      s.prompt_tokens + s.answer_reserve > s.edge_context)
    return {Route::kCloud, Reason::kContext,
            std::to_string(s.prompt_tokens) + " prompt tokens + " +
                std::to_string(s.answer_reserve) + " for the answer > edge context " +
                std::to_string(s.edge_context)};
  if (!s.modality.empty())
    return {Route::kCloud, Reason::kModality, s.modality + " content: the edge has no encoder"};
  if (s.edge_max_tokens > 0 && s.max_tokens > s.edge_max_tokens)
    return {Route::kCloud, Reason::kMaxTokens,
            "max_tokens " + std::to_string(s.max_tokens) + " > edge budget " +
                std::to_string(s.edge_max_tokens)};
  if (auto why = memory_shortage(s); !why.empty()) return {Route::kCloud, Reason::kMemory, why};
  if (s.ppl && p.ppl_threshold && *s.ppl > *p.ppl_threshold)
    return {Route::kCloud, Reason::kPpl,
            fmt_double("%.3f", *s.ppl) + " > " + fmt_double("%.3f", *p.ppl_threshold)};
  std::string detail = s.intent ? "intent " + s.intent->label : "no intent";
  if (s.ppl && p.ppl_threshold)
    detail += ", ppl " + fmt_double("%.3f", *s.ppl) + " <= " + fmt_double("%.3f", *p.ppl_threshold);
  return {Route::kEdge, Reason::kDefault, detail};
}

std::string mib(uint64_t bytes) {
  return fmt_double("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

std::string memory_shortage(const RoutingSignals& s) {
  if (s.edge_memory_low) return "edge memory under the guard's floor";
  // available 0: no reading (the guard is idle), so nothing to project against.
  if (s.memory_floor == 0 || s.memory_available == 0 || s.kv_bytes == 0) return "";
  if (s.memory_available >= s.memory_floor && s.memory_available - s.memory_floor >= s.kv_bytes)
    return "";
  return "projected KV " + mib(s.kv_bytes) + " > " + mib(s.memory_available) +
         " available - floor " + mib(s.memory_floor);
}

bool is_offload(Reason r) {
  return r == Reason::kContext || r == Reason::kModality || r == Reason::kMaxTokens ||
         r == Reason::kMemory;
}

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
      return "offload:context";
    case Reason::kModality:
      return "offload:modality";
    case Reason::kMaxTokens:
      return "offload:max_tokens";
    case Reason::kMemory:
      return "offload:memory";
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
