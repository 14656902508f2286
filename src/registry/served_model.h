// What the registry serves under a model id: one node's whole OpenAI surface over one loaded
// model (the Commander's ServedModel, the Dispatcher's DispatcherService). The registry
// loads, leases, unloads and swaps these without knowing which role built them.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/model.h"
#include "http/http_server.h"

namespace tandem::registry {

class ServedModel : public http::Service {
 public:
  // The model's entry in /v1/models (id, context_length, modalities).
  virtual nlohmann::json model_card() const = 0;
  // The weights served: the hot swap compares architectures and measures the baseline
  // perplexity on them.
  virtual const engine::Model& model() const = 0;
};

}  // namespace tandem::registry
