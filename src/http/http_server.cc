#include "http/http_server.h"

#include <sys/socket.h>

#include <fstream>

#include "http/api_error.h"
#include "http/json_util.h"

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

ApiServer::ApiServer(HttpOptions opts, Metrics& metrics)
    : opts_(std::move(opts)), metrics_(metrics) {
  http_.set_payload_max_length(opts_.max_body_bytes);
  const int n_threads = opts_.http_threads;
  // httplib takes ownership of the queue it gets (it deletes it on shutdown).
  http_.new_task_queue = [n_threads] {
    return new httplib::ThreadPool(static_cast<size_t>(n_threads));
  };
  // httplib 0.11 listens with a backlog of 5, which drops connections when many clients
  // connect at once; remember the socket so start() can raise it.
  http_.set_socket_options([this](socket_t fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = fd;
  });
  http_.set_read_timeout(30, 0);
  http_.set_write_timeout(30, 0);
  // Small answers written in pieces (headers, body, SSE events): without this, Nagle + the
  // client's delayed ACK hold each later piece up to 40 ms (a verify call took ~28 ms on
  // loopback instead of well under 1).
  http_.set_tcp_nodelay(true);

  // Requests httplib rejects itself (oversized body, bad request line, no route) still get
  // the OpenAI error shape.
  http_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
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
    const bool ready = service() != nullptr;
    res.status = ready ? 200 : 503;
    res.set_content(ready ? R"({"status":"ok"})" : R"({"status":"loading"})", "application/json");
    metrics_.count_request("/health", res.status);
  });
  http_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.render(), "text/plain; version=0.0.4");
    metrics_.count_request("/metrics", 200);
  });
  route("POST", "/v1/chat/completions", &Service::chat_completions);
  route("POST", "/v1/completions", &Service::completions);
  route("GET", "/v1/models", &Service::models);
  route("GET", R"(/v1/models/(.+))", &Service::model, "/v1/models/{id}");
  route("POST", "/v1/embeddings", &Service::embeddings);
  route("POST", "/v1/responses", &Service::responses);
  route("GET", R"(/v1/responses/([^/]+))", &Service::retrieve_response, "/v1/responses/{id}");
  route("DELETE", R"(/v1/responses/([^/]+))", &Service::delete_response, "/v1/responses/{id}");
  route("POST", "/v1/tandem/verify", &Service::tandem_verify);
  route("POST", "/v1/route", &Service::route_decision);
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::route(const std::string& method, const std::string& path, Handler h,
                      const std::string& label) {
  const std::string endpoint = label.empty() ? path : label;
  auto handler = [this, method, endpoint, h](const httplib::Request& req, httplib::Response& res) {
    if (!opts_.log_requests.empty() && method == "POST") {
      std::lock_guard lock(log_mu_);
      std::ofstream(opts_.log_requests, std::ios::app) << endpoint << ' ' << req.body << '\n';
    }
    try {
      if (!opts_.api_key.empty()) {
        const std::string auth = req.get_header_value("Authorization");
        const std::string want = "Bearer " + opts_.api_key;
        if (auth.empty())
          throw ApiError(401, "missing API key: send 'Authorization: Bearer <key>'",
                         "authentication_error", "", "invalid_api_key");
        if (auth != want)
          throw ApiError(401, "incorrect API key", "authentication_error", "", "invalid_api_key");
      }
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
  };
  if (method == "POST")
    http_.Post(path, handler);
  else if (method == "DELETE")
    http_.Delete(path, handler);
  else
    http_.Get(path, handler);
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
  return port;
}

void ApiServer::stop() {
  http_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tandem::http
