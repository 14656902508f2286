// The SDK's hybrid client (tandem_client): a conversation routed per reply as the Dispatcher
// routes a request -- the Dispatcher's RoutingPipeline (privacy scan, intent), offload
// signals and, when the policy has a perplexity rule, the edge prefill's perplexity -- then
// answered on the edge (EdgeEngine) or by the Commander (cloud_reply.h: masked out, unmasked
// back). A Commander that cannot be reached (probe down, circuit open, no answer in time)
// means the edge answers; one that breaks mid-reply means the edge continues the reply. The
// app sees no error either way, only the route (last_route).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dispatcher/cloud/commander_link.h"
#include "dispatcher/routing_pipeline.h"
#include "http/metrics.h"
#include "privacy/masker.h"
#include "router/decision.h"
#include "sdk/cloud_reply.h"
#include "sdk/edge_model.h"

namespace tandem::sdk {

class HybridClient {
 public:
  // SdkError for a bad URL (INVALID_ARGUMENT) or an unreadable policy / intent model (IO).
  HybridClient(dispatcher::EdgeEngine& edge, const tandem_client_params& p);
  ~HybridClient();

  // Appends the message and answers it; TANDEM_OK or TANDEM_STOPPED.
  int send(const char* role, const char* content, const PieceFn& on_piece);
  // The decision for the conversation plus one more user message, without answering.
  router::Decision route(const std::string& prompt, double& ppl);

  const std::string& last_reply() const { return last_reply_; }
  const router::Decision& last_decision() const { return last_decision_; }
  double last_ppl() const { return last_ppl_; }
  void set_offline(bool offline) { offline_ = offline; }
  void trim_memory(int level);
  void reset();

 private:
  struct Routed;
  // Scans, fills the offload signals and decides; prefills on the edge (held in the
  // returned session) unless a rule sends the messages to the Commander first.
  Routed decide(const std::vector<templates::ChatMessage>& messages);
  bool cloud_possible() const;
  // The edge's reply (a continuation after `sent`, when the Commander broke mid-reply).
  EdgeReply answer_on_edge(Routed& r, const std::string& sent, int64_t n_sent,
                           const PieceFn& on_piece);

  dispatcher::EdgeEngine& edge_;
  tandem_client_params params_;
  std::string commander_model_;
  std::unique_ptr<dispatcher::RoutingPipeline> routing_;
  http::Metrics metrics_;                            // the link's counters (not exposed)
  std::unique_ptr<dispatcher::CommanderLink> link_;  // null: edge only
  privacy::Masker masker_;                           // the conversation's placeholders
  std::vector<templates::ChatMessage> messages_;
  std::string last_reply_;
  router::Decision last_decision_;
  double last_ppl_ = -1;
  std::atomic<bool> offline_{false};
  std::atomic<bool> memory_low_{false};
};

}  // namespace tandem::sdk

struct tandem_client {
  std::unique_ptr<tandem::sdk::HybridClient> impl;
};
