// A node's models by id (either role: --models-dir, or -m alone as a registry of one): the
// OpenAI endpoints, each routed by the request's "model" to that model's ServedModel, loaded
// on demand through the ModelRegistry; /v1/models lists every model with its state and size,
// operators load, unload and swap models by id.
#pragma once

#include <memory>
#include <string>

#include "http/http_server.h"
#include "registry/model_registry.h"
#include "registry/model_swap.h"

namespace tandem::registry {

class ModelRouter : public http::Service {
 public:
  // default_id: the model a request without "model" gets (empty: such requests are 400s).
  // swapper: null when hot swap is off (the endpoint is then a 404).
  ModelRouter(std::shared_ptr<ModelRegistry> registry, std::string default_id,
              std::shared_ptr<ModelSwapper> swapper = nullptr);

  void chat_completions(const httplib::Request& req, httplib::Response& res) override;
  void completions(const httplib::Request& req, httplib::Response& res) override;
  void embeddings(const httplib::Request& req, httplib::Response& res) override;
  void responses(const httplib::Request& req, httplib::Response& res) override;
  void retrieve_response(const httplib::Request& req, httplib::Response& res) override;
  void delete_response(const httplib::Request& req, httplib::Response& res) override;
  void tandem_verify(const httplib::Request& req, httplib::Response& res) override;
  void route_decision(const httplib::Request& req, httplib::Response& res) override;
  void list_cache(const httplib::Request& req, httplib::Response& res) override;
  void delete_cache(const httplib::Request& req, httplib::Response& res) override;
  void models(const httplib::Request& req, httplib::Response& res) override;
  void tandem_model_load(const httplib::Request& req, httplib::Response& res) override;
  void tandem_model_unload(const httplib::Request& req, httplib::Response& res) override;
  void tandem_model_swap(const httplib::Request& req, httplib::Response& res) override;
  nlohmann::json health() const override;

 private:
  using Handler = void (ServedModel::*)(const httplib::Request&, httplib::Response&);
  // Leases the model the body names (or the default), runs `h` on it, and keeps the lease
  // until a streamed answer has been written.
  void forward(const httplib::Request& req, httplib::Response& res, Handler h);
  void forward_to(const std::string& id, std::optional<KeepAlive> keep_alive,
                  const httplib::Request& req, httplib::Response& res, Handler h);
  std::string model_id(const nlohmann::json& body) const;
  nlohmann::json model_json(const ModelRegistry::Status& s) const;
  // GET/DELETE /v1/cache carry no body: the model comes from ?model= or the default.
  std::string cache_model_id(const httplib::Request& req) const;
  // The model's /v1/models entry as the answer to an operator's load or unload.
  void write_model(const std::string& id, httplib::Response& res) const;

  std::shared_ptr<ModelRegistry> registry_;
  std::string default_id_;
  std::shared_ptr<ModelSwapper> swapper_;
};

}  // namespace tandem::registry
