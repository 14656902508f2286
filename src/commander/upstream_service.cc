#include "commander/upstream_service.h"

#include <string_view>
#include <thread>

#include "api/openai_schema.h"
#include "api/responses/responses.h"
#include "http/api_error.h"
#include "http/response_pipe.h"

namespace tandem::commander {
namespace {

// Owns the thread running one upstream request; destroying it aborts the request.
struct ProxyCall {
  std::shared_ptr<http::ResponsePipe> pipe = std::make_shared<http::ResponsePipe>();
  std::jthread thread;
  ~ProxyCall() {
    {
      std::lock_guard lock(pipe->mu);
      pipe->cancelled = true;
    }
    if (thread.joinable()) thread.join();
  }
};

http::ApiError upstream_unreachable(const std::string& origin, const std::string& why) {
  return http::ApiError(502, "upstream " + origin + " failed: " + why, "server_error", "",
                        "upstream_error");
}

}  // namespace

UpstreamService::UpstreamService(UpstreamOptions opts) : opts_(std::move(opts)) {
  // scheme://authority[/path]: the authority is everything up to the first '/'.
  const std::string_view u(opts_.url);
  const size_t scheme = u.starts_with("http://") ? 7 : u.starts_with("https://") ? 8 : 0;
  const size_t slash = scheme ? u.find('/', scheme) : std::string_view::npos;
  const size_t host_end = slash == std::string_view::npos ? u.size() : slash;
  if (!scheme || host_end == scheme)
    throw std::invalid_argument("--upstream must look like http://host:port, not '" + opts_.url +
                                "'");
  origin_ = opts_.url.substr(0, host_end);
  prefix_ = opts_.url.substr(host_end);
  while (prefix_.ends_with("/")) prefix_.pop_back();
  if (prefix_.ends_with("/v1")) prefix_.resize(prefix_.size() - 3);
}

httplib::Headers UpstreamService::headers() const {
  httplib::Headers h;
  if (!opts_.api_key.empty()) h.emplace("Authorization", "Bearer " + opts_.api_key);
  return h;
}

void UpstreamService::models(const httplib::Request&, httplib::Response& res) {
  httplib::Client cli(origin_);
  cli.set_connection_timeout(10, 0);
  cli.set_read_timeout(opts_.timeout_s, 0);
  auto r = cli.Get(prefix_ + "/v1/models", headers());
  if (!r) throw upstream_unreachable(origin_, httplib::to_string(r.error()));
  res.status = r->status;
  std::string type = r->get_header_value("Content-Type");
  res.set_content(r->body, type.empty() ? "application/json" : type.c_str());
}

void UpstreamService::chat_completions(const httplib::Request& req, httplib::Response& res) {
  forward_post("/v1/chat/completions", req, res);
}

void UpstreamService::completions(const httplib::Request& req, httplib::Response& res) {
  forward_post("/v1/completions", req, res);
}

// Converted here, so upstreams without /v1/responses (llama-server, older vLLM) serve it too.
void UpstreamService::responses(const httplib::Request& req, httplib::Response& res) {
  api::serve_responses(*this, req, res);
}

void UpstreamService::retrieve_response(const httplib::Request& req, httplib::Response& res) {
  api::retrieve_response(req, res);
}

void UpstreamService::delete_response(const httplib::Request& req, httplib::Response& res) {
  api::delete_response(req, res);
}

void UpstreamService::forward_post(const std::string& path, const httplib::Request& in,
                                   httplib::Response& res) {
  api::parse_body(in.body);  // reject what is not JSON here rather than upstream
  auto call = std::make_shared<ProxyCall>();
  httplib::Request out;
  out.method = "POST";
  out.path = prefix_ + path;
  out.headers = headers();
  out.set_header("Content-Type", "application/json");
  out.body = in.body;
  auto pipe = call->pipe;
  http::ResponsePipe::attach(pipe, out);
  const std::string origin = origin_;
  const int timeout = opts_.timeout_s;
  call->thread = std::jthread([pipe, origin, timeout, out = std::move(out)] {
    httplib::Client cli(origin);
    cli.set_connection_timeout(10, 0);
    cli.set_read_timeout(timeout, 0);
    pipe->finish(cli.send(out));
  });

  std::unique_lock lock(pipe->mu);
  pipe->cv.wait(lock, [&] { return pipe->headers_ready || pipe->done; });
  if (!pipe->headers_ready) throw upstream_unreachable(origin_, pipe->error);
  const bool streaming = pipe->status == 200 && pipe->content_type.starts_with("text/event-stream");
  if (!streaming) {
    pipe->cv.wait(lock, [&] { return pipe->done; });
    if (!pipe->error.empty()) throw upstream_unreachable(origin_, pipe->error);
    std::string body;
    for (auto& c : pipe->chunks) body += c;
    res.status = pipe->status;
    res.set_content(body,
                    pipe->content_type.empty() ? "application/json" : pipe->content_type.c_str());
    return;
  }
  lock.unlock();
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider("text/event-stream", [call](size_t, httplib::DataSink& sink) {
    auto& p = *call->pipe;
    std::unique_lock lk(p.mu);
    p.cv.wait(lk, [&] { return !p.chunks.empty() || p.done; });
    std::deque<std::string> chunks;
    chunks.swap(p.chunks);
    const bool done = p.done;
    lk.unlock();
    for (const auto& c : chunks)
      if (!sink.write(c.data(), c.size())) return false;  // client gone: ~ProxyCall aborts upstream
    if (done) sink.done();
    return true;
  });
}

}  // namespace tandem::commander
