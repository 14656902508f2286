// A chat reply from the Commander for the SDK's hybrid client: the conversation masked with
// its Masker (dispatcher::masked_chat_body: only masked text leaves the device), one streamed
// POST through the Dispatcher's CommanderCall (connect / first-byte / stall deadlines), the
// SSE events unmasked by the Dispatcher's CloudRelay, and each piece of unmasked text handed
// to the app as it arrives. Every outcome feeds the link's circuit breaker.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dispatcher/cloud/commander_link.h"
#include "privacy/masker.h"
#include "sdk/edge_model.h"
#include "template/chat_template.h"

namespace tandem::sdk {

struct CloudRequest {
  std::string commander_model;  // empty: the Commander's default
  float temperature = 0.8f;
  int64_t max_tokens = -1;  // < 0: not sent
  uint64_t seed = 0xFFFFFFFF;
};

enum class CloudOutcome {
  kAnswered,     // the whole reply came
  kStopped,      // the app's callback stopped it
  kUnreachable,  // nothing came: no connection, no headers in time, circuit open, refused
  kBroken        // the stream broke or stalled after `text`
};

struct CloudReply {
  CloudOutcome outcome = CloudOutcome::kUnreachable;
  std::string text;      // unmasked, as handed to the app
  int64_t n_events = 0;  // events that carried text (about one per token)
  std::string why;       // for kUnreachable / kBroken
};

CloudReply ask_commander(dispatcher::CommanderLink& link,
                         const std::vector<templates::ChatMessage>& messages,
                         privacy::Masker& masker, const CloudRequest& r, const PieceFn& on_piece);

}  // namespace tandem::sdk
