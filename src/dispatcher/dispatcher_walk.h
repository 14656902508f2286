// One Dispatcher request's state, shared by the handler and its stream provider
// (dispatcher_service.cc decides, dispatcher_answer.cc answers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dispatcher/dispatcher_service.h"

namespace tandem::dispatcher {

struct DispatcherService::Walk {
  nlohmann::json body;
  api::ChatRequest req;
  std::string conversation;
  std::string prompt_text;
  std::vector<tokenizer::TokenId> tokens;
  router::RoutingSignals signals;
  router::Decision decision;
  engine::SamplerParams sampling;
  std::unique_ptr<EdgeSession> session;  // holds the prefilled edge cache
  privacy::Masker masker;
};

}  // namespace tandem::dispatcher
