#include "sdk/cloud_reply.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "dispatcher/cloud/cloud_relay.h"
#include "dispatcher/cloud/masked_body.h"

namespace tandem::sdk {
namespace {

using dispatcher::LinkFailure;

nlohmann::ordered_json chat_body(const std::vector<templates::ChatMessage>& messages,
                                 const CloudRequest& r) {
  nlohmann::ordered_json msgs = nlohmann::ordered_json::array();
  for (const auto& m : messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
  nlohmann::ordered_json body = {
      {"messages", std::move(msgs)}, {"stream", true}, {"temperature", r.temperature}};
  if (r.max_tokens >= 0) body["max_tokens"] = r.max_tokens;
  if (r.seed != 0xFFFFFFFF) body["seed"] = r.seed;
  return body;
}

// As the Dispatcher: an answer that says the Commander will not serve us (auth, gateway).
bool refuses_us(int status) {
  return status == 401 || status == 403 || status == 502 || status == 503 || status == 504;
}

}  // namespace

CloudReply ask_commander(dispatcher::CommanderLink& link,
                         const std::vector<templates::ChatMessage>& messages,
                         privacy::Masker& masker, const CloudRequest& r, const PieceFn& on_piece) {
  CloudReply out;
  if (!link.acquire()) {
    out.why = "circuit open";
    return out;
  }
  // The privacy boundary: only this masked body leaves the device.
  const auto body = dispatcher::masked_chat_body(chat_body(messages, r), masker, r.commander_model);
  dispatcher::CommanderCall call(link.options(), "/chat/completions",
                                 dispatcher::dump_ordered(body));
  if (!call.wait_headers([&link] { return !link.reachable(); })) {
    link.failed(call.failure(), call.error());
    out.why = call.error();
    return out;
  }
  const int status = call.status();
  if (status != 200 || !call.content_type().starts_with("text/event-stream")) {
    std::string text, chunk;
    while (call.next(chunk)) text += chunk;
    if (refuses_us(status) || call.failed())
      link.failed(call.failed() ? call.failure() : LinkFailure::kStatus,
                  "HTTP " + std::to_string(status));
    else
      link.succeeded();
    out.why = "the Commander answered HTTP " + std::to_string(status) + ": " +
              masker.unmask(text.substr(0, 300));
    return out;
  }
  link.succeeded();
  dispatcher::CloudRelay relay(dispatcher::AnswerKind::kChat, masker, r.commander_model, false);
  size_t handed = 0;
  auto hand_over = [&]() {  // the unmasked text not yet given to the app
    const std::string& got = relay.received();
    if (got.size() == handed) return true;
    const std::string piece = got.substr(handed);
    handed = got.size();
    out.text += piece;
    return on_piece(piece);
  };
  std::string buf, chunk;
  while (!relay.done_seen() && call.next(chunk)) {
    chunk.erase(std::remove(chunk.begin(), chunk.end(), '\r'), chunk.end());
    buf += chunk;
    for (size_t end; (end = buf.find("\n\n")) != std::string::npos;) {
      relay.relay(std::string_view(buf).substr(0, end));
      buf.erase(0, end + 2);
      if (!hand_over()) {
        out.outcome = CloudOutcome::kStopped;
        return out;  // the call's destructor aborts the request
      }
    }
  }
  out.n_events = relay.n_text_events();
  if (call.failed() || !(relay.finished() || relay.done_seen())) {
    relay.flush();
    if (!hand_over()) {
      out.outcome = CloudOutcome::kStopped;
      return out;
    }
    if (call.failed()) link.failed(call.failure(), call.error());
    out.outcome = CloudOutcome::kBroken;
    out.why = call.failed() ? call.error() : "the stream ended without a finish";
    return out;
  }
  relay.flush();
  out.outcome = hand_over() ? CloudOutcome::kAnswered : CloudOutcome::kStopped;
  return out;
}

}  // namespace tandem::sdk
