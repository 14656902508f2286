// The Commander's upstream role: the same OpenAI surface, forwarded to an existing
// OpenAI-compatible engine (vLLM, llama-server, another Commander). Streams pass through
// chunk by chunk; a client that goes away aborts the upstream request.
#pragma once

#include <string>

#include "http/http_server.h"

namespace tandem::commander {

struct UpstreamOptions {
  std::string url;      // http(s)://host:port[/prefix]; a trailing /v1 is accepted
  std::string api_key;  // sent as Authorization: Bearer to the upstream
  int timeout_s = 600;
};

class UpstreamService : public http::Service {
 public:
  explicit UpstreamService(UpstreamOptions opts);  // throws std::invalid_argument for a bad URL

  void chat_completions(const httplib::Request& req, httplib::Response& res) override;
  void completions(const httplib::Request& req, httplib::Response& res) override;
  void models(const httplib::Request& req, httplib::Response& res) override;
  // POST /v1/responses: the Responses API over this role's chat_completions; GET and DELETE
  // /v1/responses/{id}: its stored responses (this process's store).
  void responses(const httplib::Request& req, httplib::Response& res) override;
  void retrieve_response(const httplib::Request& req, httplib::Response& res) override;
  void delete_response(const httplib::Request& req, httplib::Response& res) override;

 private:
  void forward_post(const std::string& path, const httplib::Request& req, httplib::Response& res);
  httplib::Headers headers() const;

  UpstreamOptions opts_;
  std::string origin_;  // scheme://host:port
  std::string prefix_;  // path before /v1
};

}  // namespace tandem::commander
