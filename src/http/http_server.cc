#include "http/http_server.h"

#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "http/api_error.h"
#include "http/json_util.h"
#include "http/request_id.h"

namespace tandem::http {

void send_error(httplib::Response& res, int status, const std::string& message,
                const std::string& type, const std::string& code) {
  ApiError e(status, message, type, "", code);
  res.status = status;
  res.set_content(dump(e.to_json()), "application/json");
}

namespace {

void send_api_error(httplib::Response& res, const ApiError& e) {
  res.status = e.status;
  if (e.retry_after_s > 0) res.set_header("Retry-After", std::to_string(e.retry_after_s));
  res.set_content(dump(e.to_json()), "application/json");
}

const char* type_for_status(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 404:
      return "not_found_error";
    case 413:
      return "invalid_request_error";
    case 503:
      return "server_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

}  // namespace

void Service::route_decision(const httplib::Request& req, httplib::Response&) {
  throw ApiError(404, "no endpoint " + req.method + " " + req.path + " on this role",
                 "not_found_error");
}

void Service::tandem_verify(const httplib::Request& req, httplib::Response&) {
  throw ApiError(404, "no endpoint " + req.method + " " + req.path + " on this role",
                 "not_found_error", "", "verify_unsupported");
}

void Service::embeddings(const httplib::Request& req, httplib::Response&) {
  throw ApiError(404, "no endpoint " + req.method + " " + req.path + " on this role",
                 "not_found_error", "", "unsupported_endpoint");
}

void Service::responses(const httplib::Request& req, httplib::Response&) {
  throw ApiError(404, "no endpoint " + req.method + " " + req.path + " on this role",
                 "not_found_error", "", "unsupported_endpoint");
}

// The same 404 as a role without the Responses API (not the override: that one answers POST).
void Service::retrieve_response(const httplib::Request& req, httplib::Response& res) {
  Service::responses(req, res);
}

void Service::delete_response(const httplib::Request& req, httplib::Response& res) {
  Service::responses(req, res);
}

void Service::list_cache(const httplib::Request& req, httplib::Response& res) {
  Service::responses(req, res);
}

void Service::delete_cache(const httplib::Request& req, httplib::Response& res) {
  Service::responses(req, res);
}

void Service::tandem_model_load(const httplib::Request& req, httplib::Response& res) {
  Service::responses(req, res);
}

void Service::tandem_model_unload(const httplib::Request& req, httplib::Response& res) {
  Service::responses(req, res);
}

void Service::tandem_model_swap(const httplib::Request& req, httplib::Response& res) {
  Service::responses(req, res);
}

nlohmann::json Service::health() const {
  return {{"status", "ok"}};
}

void Service::model(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches.size() > 1 ? req.matches[1].str() : "";
  httplib::Response list;
  models(req, list);
  const auto j = nlohmann::json::parse(list.body, nullptr, false);
  if (j.is_object() && j.contains("data") && j["data"].is_array())
    for (const auto& m : j["data"])
      if (m.is_object() && m.contains("id") && m["id"] == id) {
        res.set_content(dump(m), "application/json");
        return;
      }
  throw ApiError(404, "the model '" + id + "' does not exist", "invalid_request_error", "model",
                 "model_not_found");
}

namespace {

ConnectionPolicy policy_from(const HttpOptions& o) {
  ConnectionPolicy p;
  p.limits.header_timeout_s = o.header_timeout_s;
  p.limits.body_timeout_s = o.body_timeout_s;
  p.limits.max_body_bytes = o.max_body_bytes;
  p.max_connections = o.max_connections;
  p.idle_timeout_s = o.idle_timeout_s;
  return p;
}

}  // namespace

ApiServer::ApiServer(HttpOptions opts, Metrics& metrics)
    : opts_(std::move(opts)), metrics_(metrics), http_(policy_from(opts_)) {
  // One worker per allowed connection, plus a few that only turn away the ones past the cap.
  const int n_threads = opts_.max_connections + 8;
  // httplib takes ownership of the queue it gets (it deletes it on shutdown).
  http_.new_task_queue = [n_threads] {
    return new httplib::ThreadPool(static_cast<size_t>(n_threads));
  };
  http_.on_open_change = [this](int open) { metrics_.set_open_connections(open); };
  http_.on_refused = [this](const char* why) { metrics_.count_connection_refused(why); };
  // httplib 0.11 listens with a backlog of 5, which drops connections when many clients
  // connect at once; remember the socket so start() can raise it.
  http_.set_socket_options([this](socket_t fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = fd;
  });
  // Small answers written in pieces (headers, body, SSE events): without this, Nagle + the
  // client's delayed ACK hold each later piece up to 40 ms (a verify call took ~28 ms on
  // loopback instead of well under 1).
  http_.set_tcp_nodelay(true);

  // Requests httplib rejects itself (oversized body, bad request line, no route) still get
  // the OpenAI error shape.
  http_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    // Here only for what httplib refused itself (a route's errors carry a body): an unusable
    // request line, headers or body, after which the connection is closed.
    const ConnectionStream* strm = ConnectionStream::current();
    if (strm && res.status != 404) {
      strm->close_after_response();
      res.set_header("Connection", "close");
    }
    // A request the connection cut off (deadline, size): its reason, not httplib's "400".
    const StreamFailure failure = strm ? strm->failure() : StreamFailure::kNone;
    if (failure != StreamFailure::kNone) {
      res.status = failure_status(failure);
      send_error(res, res.status, failure_message(failure, http_.policy().limits),
                 "invalid_request_error", failure_label(failure));
      metrics_.count_request("rejected", res.status);
      return;
    }
    std::string msg = res.status == 413 ? "the request body exceeds " +
                                              std::to_string(opts_.max_body_bytes) + " bytes"
                      : res.status == 404 ? "no endpoint " + req.method + " " + req.path
                                          : "request rejected";
    send_error(res, res.status, msg, type_for_status(res.status),
               res.status == 413 ? "body_too_large" : "");
    metrics_.count_request(res.status == 404 ? "unknown" : req.path, res.status);
  });
  http_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          send_error(res, 500, std::string("internal error: ") + e.what(), "server_error");
        } catch (...) {
          send_error(res, 500, "internal error", "server_error");
        }
      });

  http_.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    const auto s = service();
    res.status = s ? 200 : 503;
    nlohmann::json body = {{"status", "loading"}};
    if (s) {
      try {
        body = s->health();
      } catch (const std::exception& e) {
        body = {{"status", "degraded"}, {"reason", e.what()}};
      }
    }
    res.set_content(dump(body), "application/json");
    metrics_.count_request("/health", res.status);
  });
  http_.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    try {
      check_key(req, opts_.metrics_key.empty() ? opts_.api_key : opts_.metrics_key);
      res.set_content(metrics_.render(), "text/plain; version=0.0.4");
    } catch (const ApiError& e) {
      send_api_error(res, e);
    }
    metrics_.count_request("/metrics", res.status == -1 ? 200 : res.status);
  });
  if (!opts_.cors_origins.empty()) {
    // Preflight: browsers ask before a POST with JSON or an Authorization header.
    http_.Options(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      add_cors(req, res);
      res.set_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers",
                     "Authorization, Content-Type, X-Request-Id, X-Tandem-Trace");
      res.set_header("Access-Control-Max-Age", "600");
      res.status = 204;
    });
  }
  route("POST", "/v1/chat/completions", &Service::chat_completions);
  route("POST", "/v1/completions", &Service::completions);
  route("GET", "/v1/models", &Service::models);
  route("GET", R"(/v1/models/(.+))", &Service::model, "/v1/models/{id}");
  route("POST", "/v1/embeddings", &Service::embeddings);
  route("POST", "/v1/responses", &Service::responses);
  route("GET", R"(/v1/responses/([^/]+))", &Service::retrieve_response, "/v1/responses/{id}");
  route("DELETE", R"(/v1/responses/([^/]+))", &Service::delete_response, "/v1/responses/{id}");
  route("GET", "/v1/cache", &Service::list_cache);
  route("DELETE", R"(/v1/cache/([^/]+))", &Service::delete_cache, "/v1/cache/{id}");
  route("POST", "/v1/tandem/verify", &Service::tandem_verify);
  route("POST", "/v1/route", &Service::route_decision);
  route("POST", R"(/v1/tandem/models/([^/]+)/load)", &Service::tandem_model_load,
        "/v1/tandem/models/{id}/load");
  route("POST", R"(/v1/tandem/models/([^/]+)/unload)", &Service::tandem_model_unload,
        "/v1/tandem/models/{id}/unload");
  route("POST", R"(/v1/tandem/models/([^/]+)/swap)", &Service::tandem_model_swap,
        "/v1/tandem/models/{id}/swap");
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::route(const std::string& method, const std::string& path, Handler h,
                      const std::string& label) {
  const std::string endpoint = label.empty() ? path : label;
  auto handler = [this, method, endpoint, h](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    RequestIdScope id_scope(request_id_from(req.get_header_value(kRequestIdHeader)));
    res.set_header(kRequestIdHeader, current_request_id());
    if (!opts_.log_requests.empty() && method == "POST") {
      std::lock_guard lock(log_mu_);
      std::ofstream(opts_.log_requests, std::ios::app) << endpoint << ' ' << req.body << '\n';
    }
    add_cors(req, res);
    try {
      check_key(req, opts_.api_key);
      // A chunked body is bounded while it is read (twice the limit, framing included); its
      // decoded size is held to the exact limit here.
      if (req.body.size() > opts_.max_body_bytes)
        throw ApiError(
            413, "the request body exceeds " + std::to_string(opts_.max_body_bytes) + " bytes",
            "invalid_request_error", "", "body_too_large");
      auto s = service();
      if (!s) {
        res.set_header("Retry-After", "5");
        throw ApiError(503, "the model is still loading", "server_error", "", "model_loading");
      }
      ((*s).*h)(req, res);
      if (res.status == -1) res.status = 200;  // httplib's "not set"
    } catch (const ApiError& e) {
      send_api_error(res, e);
    } catch (const std::exception& e) {
      send_error(res, 500, std::string("internal error: ") + e.what(), "server_error");
    }
    metrics_.count_request(endpoint, res.status);
    // The access log: no body, prompt or answer text at any level (ids and sizes only). For
    // a stream the time is to its first byte; the stream itself runs after this returns.
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    spdlog::log(res.status >= 500 ? spdlog::level::warn : spdlog::level::info,
                "{} {} {} {:.1f}ms id={} from={} in={}B{}", method, endpoint, res.status, ms,
                current_request_id(), req.remote_addr, req.body.size(),
                res.is_chunked_content_provider_ ? " stream" : "");
  };
  if (method == "POST")
    http_.Post(path, handler);
  else if (method == "DELETE")
    http_.Delete(path, handler);
  else
    http_.Get(path, handler);
}

void ApiServer::page(const std::string& pattern, PageHandler handler, const std::string& label) {
  http_.Get(pattern, [this, handler = std::move(handler), label](const httplib::Request& req,
                                                                 httplib::Response& res) {
    handler(req, res);
    if (res.status == -1) res.status = 200;
    metrics_.count_request(label, res.status);
  });
}

void ApiServer::check_key(const httplib::Request& req, const std::string& key) {
  if (key.empty()) return;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.empty())
    throw ApiError(401, "missing API key: send 'Authorization: Bearer <key>'",
                   "authentication_error", "", "invalid_api_key");
  if (auth != "Bearer " + key)
    throw ApiError(401, "incorrect API key", "authentication_error", "", "invalid_api_key");
}

void ApiServer::add_cors(const httplib::Request& req, httplib::Response& res) const {
  if (opts_.cors_origins.empty()) return;
  const std::string origin = req.get_header_value("Origin");
  for (const std::string& allowed : opts_.cors_origins) {
    if (allowed == "*") {
      res.set_header("Access-Control-Allow-Origin", "*");
      return;
    }
    if (!origin.empty() && origin == allowed) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
      return;
    }
  }
}

std::shared_ptr<Service> ApiServer::service() const {
  std::lock_guard lock(mu_);
  return service_;
}

void ApiServer::set_service(std::shared_ptr<Service> s) {
  std::lock_guard lock(mu_);
  service_ = std::move(s);
}

int ApiServer::start() {
  int port = opts_.port;
  if (port == 0) {
    port = http_.bind_to_any_port(opts_.host);
  } else if (!http_.bind_to_port(opts_.host, port)) {
    port = -1;
  }
  if (port < 0)
    throw std::runtime_error("cannot listen on " + opts_.host + ":" + std::to_string(opts_.port));
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);  // re-listen: only raises the backlog
  thread_ = std::thread([this] { http_.listen_after_bind(); });
  // httplib's stop() does nothing until the listen loop has begun: a server stopped right
  // after start() (a model that fails to load) would listen on forever and join() hang.
  for (int i = 0; i < 5000 && !http_.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port;
}

void ApiServer::stop() {
  http_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tandem::http
