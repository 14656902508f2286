// The HTTP front of a role: routes, API-key check, body limits, OpenAI-shaped errors,
// request metrics, and /health + /metrics. The role's Service is plugged in once it is
// ready, so /health can answer 503 "loading" while a model loads.
#pragma once

#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>

#include "http/metrics.h"

namespace tandem::http {

// The /v1 endpoints of one role (local engine or upstream proxy). Handlers throw ApiError.
class Service {
 public:
  virtual ~Service() = default;
  virtual void chat_completions(const httplib::Request& req, httplib::Response& res) = 0;
  virtual void completions(const httplib::Request& req, httplib::Response& res) = 0;
  virtual void models(const httplib::Request& req, httplib::Response& res) = 0;
  // POST /v1/tandem/verify: speculative verification (the Commander's engine role only).
  virtual void tandem_verify(const httplib::Request& req, httplib::Response& res);
  // POST /v1/route: the routing decision without generating (the Dispatcher role only).
  virtual void route_decision(const httplib::Request& req, httplib::Response& res);
  // POST /v1/embeddings (default: 404, the role has none).
  virtual void embeddings(const httplib::Request& req, httplib::Response& res);
  // POST /v1/responses, OpenAI's Responses API (default: 404, the role has none).
  virtual void responses(const httplib::Request& req, httplib::Response& res);
  // GET and DELETE /v1/responses/{id} (req.matches[1]): a stored response (default: 404).
  virtual void retrieve_response(const httplib::Request& req, httplib::Response& res);
  virtual void delete_response(const httplib::Request& req, httplib::Response& res);
  // GET /v1/models/{id} (req.matches[1]): the entry of models() with that id, else 404
  // model_not_found.
  virtual void model(const httplib::Request& req, httplib::Response& res);
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8081;      // 0: any free port
  std::string api_key;  // empty: no authentication
  size_t max_body_bytes = 8 << 20;
  int http_threads = 128;    // streams hold a thread each while they run
  std::string log_requests;  // test-only: append every POST body to this file, one per line
};

class ApiServer {
 public:
  ApiServer(HttpOptions opts, Metrics& metrics);
  ~ApiServer();
  // Binds (throws std::runtime_error naming host:port) and serves on a background thread.
  int start();
  void set_service(std::shared_ptr<Service> s);
  void stop();

 private:
  using Handler = void (Service::*)(const httplib::Request&, httplib::Response&);
  // label: the endpoint in metrics (default: path; a pattern's readable form).
  void route(const std::string& method, const std::string& path, Handler h,
             const std::string& label = "");
  std::shared_ptr<Service> service() const;

  HttpOptions opts_;
  Metrics& metrics_;
  httplib::Server http_;
  mutable std::mutex mu_;
  std::shared_ptr<Service> service_;
  std::thread thread_;
  int listen_fd_ = -1;
  std::mutex log_mu_;
};

// Writes an OpenAI error body with its status.
void send_error(httplib::Response& res, int status, const std::string& message,
                const std::string& type, const std::string& code = "");

}  // namespace tandem::http
