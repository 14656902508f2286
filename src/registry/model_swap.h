// Hot swap of one of the Commander's models (POST /v1/tandem/models/{id}/swap, SIGHUP): the
// new file is checked (SHA-256), loaded beside the old model, compared with it (architecture
// and vocabulary) and self-tested (self_test.h) off the registry's lock; only then does the
// registry point new requests at it. Any failure leaves the old model serving, and is
// answered, logged and kept for /health.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "registry/model_registry.h"
#include "registry/self_test.h"

namespace tandem::registry {

struct SwapRequest {
  std::filesystem::path path;
  std::optional<std::string> sha256;  // else the sidecar PATH.sha256, if present
  SelfTestExpectations expect;
  bool allow_different_model = false;  // another architecture or vocabulary under this id
  // The swap endpoint's body; throws http::ApiError 400 naming the bad field.
  static SwapRequest from_json(const nlohmann::json& body);
};

struct SwapHooks {
  // Loads (maps) the model file; throws with context.
  std::function<std::unique_ptr<engine::Model>(const ModelFile&)> load_model;
  // Builds the serving side (scheduler, caches) over a loaded, self-tested model.
  std::function<std::shared_ptr<ServedModel>(std::unique_ptr<engine::Model>, const ModelFile&)>
      make_service;
  int threads = 1;
};

struct SwapOutcome {
  int status = 200;  // 200, or the failure's 4xx/5xx
  nlohmann::json body;
};

class ModelSwapper {
 public:
  ModelSwapper(std::shared_ptr<ModelRegistry> registry, SwapHooks hooks);

  // Throws http::ApiError 404 for an unknown id, 409 while another swap runs; every other
  // failure is an outcome (the old model keeps serving).
  SwapOutcome swap(const std::string& id, const SwapRequest& req);

 private:
  std::shared_ptr<ModelRegistry> registry_;
  SwapHooks hooks_;
  // One swap at a time: at most one extra model in memory, one self-test on the CPUs.
  std::mutex busy_;
};

}  // namespace tandem::registry
