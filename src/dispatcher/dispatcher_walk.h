// One Dispatcher request's state, shared by the handler and its stream provider
// (dispatcher_service.cc and dispatcher_completions.cc decide, dispatcher_answer.cc answers).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/media_prompt.h"
#include "dispatcher/cloud/cloud_relay.h"
#include "dispatcher/dispatcher_service.h"

namespace tandem::dispatcher {

// Time to the first token and between tokens, observed into the same histograms as the
// Commander's scheduler fills, measured from the request's arrival.
struct TokenClock {
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now(), last;
  Clock::time_point first_at;  // when the first token became available (x_tandem's TTFT)
  bool first = true;
  // n tokens became available now (a verification pass yields several: they share its time).
  void tick(http::Metrics& m, int64_t n = 1);
};

struct DispatcherService::Walk {
  AnswerKind kind = AnswerKind::kChat;
  nlohmann::ordered_json body;  // as the client sent it, key order kept
  api::ChatRequest req;         // kChat
  api::CompletionRequest creq;  // kCompletion
  std::string conversation;
  // Chat: the messages rendered with the edge template; completion: the prompt (token ids
  // decoded). What the edge continues after on a failover.
  std::string prompt_text;
  std::vector<tokenizer::TokenId> tokens;  // the edge's prompt
  // The request holds image/audio parts; those the edge reads are encoded once
  // (encoded_media) and sit in `tokens` as the rows of `media`.
  bool has_media = false;
  api::EncodedMedia encoded_media;
  std::vector<serving::PromptMedia> media;
  bool too_long_for_edge = false;  // then `tokens` is empty: not even tokenized
  // Chat trimmed to the edge context (trim_for_edge): tried once; messages dropped (then
  // prompt_text and tokens are the trimmed chat's), out of n_messages.
  bool trim_tried = false;
  size_t trimmed = 0, n_messages = 0;
  router::RoutingSignals signals;
  router::Decision decision;
  engine::SamplerParams sampling;
  std::unique_ptr<EdgeSession> session;  // holds the prefilled edge cache
  privacy::Masker masker;
  // What the Commander received of the conversation (masked messages, or a completion's
  // masked prompt): x_tandem.sent_to_cloud, kept only when the request asked for it
  // (X-Tandem-Trace: sent_to_cloud). Null on the edge.
  bool wants_sent_to_cloud = false;
  nlohmann::ordered_json sent_to_cloud;
  CompressRequest compress;  // the request's "compress" field
  TokenClock clock;

  bool chat() const { return kind == AnswerKind::kChat; }
  const api::GenerationParams& gen() const { return chat() ? req.gen : creq.gen; }
  // Chat: top_logprobs if logprobs were asked; completions: logprobs; < 0: none.
  int32_t logprobs() const {
    return chat() ? (req.logprobs ? req.top_logprobs : -1) : creq.logprobs;
  }
};

}  // namespace tandem::dispatcher
