// The x_tandem object of a Dispatcher answer (docs/API.md, "x_tandem"): why the request went
// where it went, how fast it was answered, and on the cloud route the masked messages that
// left the device. The web console shows it beside each answer (docs/CONSOLE.md); before it,
// a client had only the x-tandem-route / x-tandem-reason headers.
#include <chrono>

#include "api/openai_response.h"
#include "dispatcher/dispatcher_service.h"
#include "dispatcher/dispatcher_walk.h"
#include "http/json_util.h"

namespace tandem::dispatcher {

using nlohmann::json;

namespace {

double ms_between(TokenClock::Clock::time_point a, TokenClock::Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

bool DispatcherService::wants_sent_to_cloud(const httplib::Request& req) {
  return req.get_header_value("X-Tandem-Trace") == "sent_to_cloud";
}

json DispatcherService::trace_json(const Walk& w, const TraceFacts& facts) const {
  json t = routing_->explain_json(w.signals, w.decision);
  t["route"] = facts.route;
  t["offload"] = router::is_offload(w.decision.reason);
  t["failover"] = facts.failover;
  const auto now = TokenClock::Clock::now();
  t["total_ms"] = ms_between(w.clock.start, now);
  t["ttft_ms"] = w.clock.first ? json(nullptr) : json(ms_between(w.clock.start, w.clock.first_at));
  t["completion_tokens"] = facts.completion_tokens;
  // Decode speed after the first token (the prefill and the network's first byte are TTFT's).
  const double decode_s = w.clock.first ? 0 : ms_between(w.clock.first_at, now) / 1000;
  t["tokens_per_s"] = facts.completion_tokens > 1 && decode_s > 0
                          ? json(static_cast<double>(facts.completion_tokens - 1) / decode_s)
                          : json(nullptr);
  if (w.trimmed > 0) t["context_trimmed"] = w.trimmed;
  if (!w.sent_to_cloud.is_null()) t["sent_to_cloud"] = json::parse(w.sent_to_cloud.dump());
  if (facts.speculation) {
    const auto& s = *facts.speculation;
    t["speculation"] = {{"drafted", s.drafted},
                        {"accepted", s.accepted},
                        {"target_passes", s.target_passes},
                        {"acceptance_rate", s.drafted > 0 ? json(static_cast<double>(s.accepted) /
                                                                 static_cast<double>(s.drafted))
                                                          : json(nullptr)}};
  }
  return t;
}

std::string DispatcherService::trace_event(const Walk& w, const api::ResponseMeta& meta,
                                           const TraceFacts& facts) const {
  if (!opts_.trace) return {};
  // A chunk of its own with no choices (like the include_usage chunk), so clients that
  // ignore unknown fields read the stream as before.
  const json chunk = {{"id", meta.id},
                      {"object", w.chat() ? "chat.completion.chunk" : "text_completion"},
                      {"created", meta.created},
                      {"model", meta.model},
                      {"choices", json::array()},
                      {"x_tandem", trace_json(w, facts)}};
  return "data: " + http::dump(chunk) + "\n\n";
}

}  // namespace tandem::dispatcher
