// The HTTP front of a role: routes, API-key check, body limits, OpenAI-shaped errors,
// request metrics, and /health + /metrics. The role's Service is plugged in once it is
// ready, so /health can answer 503 "loading" while a model loads.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/guarded_server.h"
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
  // GET /v1/cache and DELETE /v1/cache/{id} (req.matches[1]): the named prompt cache
  // (default: 404, the role has none).
  virtual void list_cache(const httplib::Request& req, httplib::Response& res);
  virtual void delete_cache(const httplib::Request& req, httplib::Response& res);
  // POST /v1/tandem/models/{id}/load and /unload (req.matches[1]): an operator loads or
  // unloads one of a multi-model Commander's models (default: 404, the role has none).
  virtual void tandem_model_load(const httplib::Request& req, httplib::Response& res);
  virtual void tandem_model_unload(const httplib::Request& req, httplib::Response& res);
  // POST /v1/tandem/models/{id}/swap: replace the model's file after a self-test (default:
  // 404).
  virtual void tandem_model_swap(const httplib::Request& req, httplib::Response& res);
  // GET /v1/models/{id} (req.matches[1]): the entry of models() with that id, else 404
  // model_not_found.
  virtual void model(const httplib::Request& req, httplib::Response& res);
  // GET /health once the service is set: {"status": "ok"} (default), or {"status":
  // "degraded", "reason": "..."} while a dependency (the Dispatcher's Commander) is down; the
  // node still answers, so both are 200.
  virtual nlohmann::json health() const;
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8081;      // 0: any free port
  std::string api_key;  // empty: no authentication
  // /metrics: this key if set, else api_key if set, else open.
  std::string metrics_key;
  // Access-Control-Allow-Origin for browsers ("*" or origins); empty: no CORS headers.
  std::vector<std::string> cors_origins;
  size_t max_body_bytes = 8 << 20;  // any body, chunked or not: 413 as soon as it is passed
  // Open connections (streams hold one each); past it a connection gets 503 at once.
  int max_connections = 256;
  double header_timeout_s = 10;  // whole request line + headers, from the first byte
  double body_timeout_s = 30;    // whole body
  double idle_timeout_s = 5;     // keep-alive: between requests on one connection
  std::string log_requests;      // test-only: append every POST body to this file, one per line
};

class ApiServer {
 public:
  ApiServer(HttpOptions opts, Metrics& metrics);
  ~ApiServer();
  // Binds (throws std::runtime_error naming host:port) and serves on a background thread.
  int start();
  void set_service(std::shared_ptr<Service> s);
  void stop();
  // A GET route outside the API (the web console's pages, src/console): served whether or
  // not a service is set, with no API-key check, counted in /metrics as `label`. Call
  // before start().
  using PageHandler = std::function<void(const httplib::Request&, httplib::Response&)>;
  void page(const std::string& pattern, PageHandler handler, const std::string& label);

 private:
  using Handler = void (Service::*)(const httplib::Request&, httplib::Response&);
  // label: the endpoint in metrics (default: path; a pattern's readable form).
  void route(const std::string& method, const std::string& path, Handler h,
             const std::string& label = "");
  std::shared_ptr<Service> service() const;
  // Throws ApiError 401 unless `req` carries `key` (no-op for an empty key).
  static void check_key(const httplib::Request& req, const std::string& key);
  void add_cors(const httplib::Request& req, httplib::Response& res) const;

  HttpOptions opts_;
  Metrics& metrics_;
  GuardedServer http_;
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
