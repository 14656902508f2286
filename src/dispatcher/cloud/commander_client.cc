#include "dispatcher/cloud/commander_client.h"

#include <regex>

#include "http/response_pipe.h"

namespace tandem::dispatcher {

struct CommanderCall::State : http::ResponsePipe {
  httplib::Client* client = nullptr;  // while the request runs, for stop()
};

void split_commander_url(const std::string& url, std::string& origin, std::string& prefix) {
  static const std::regex re(R"(^(https?://[^/]+)(/.*)?$)");
  std::smatch m;
  if (!std::regex_match(url, m, re))
    throw std::invalid_argument("--commander must look like http://host:port, not '" + url + "'");
  origin = m[1].str();
  prefix = m[2].str();
  while (prefix.ends_with("/")) prefix.pop_back();
  if (prefix.ends_with("/v1")) prefix.resize(prefix.size() - 3);
}

CommanderCall::CommanderCall(const CommanderOptions& opts, const std::string& path,
                             std::string body)
    : st_(std::make_shared<State>()), timeout_(opts.timeout_ms) {
  std::string origin, prefix;
  split_commander_url(opts.url, origin, prefix);
  httplib::Request out;
  out.method = "POST";
  out.path = prefix + "/v1" + path;
  if (!opts.api_key.empty()) out.set_header("Authorization", "Bearer " + opts.api_key);
  out.set_header("Content-Type", "application/json");
  out.body = std::move(body);
  auto st = st_;
  http::ResponsePipe::attach(st, out);
  const time_t connect_s = opts.timeout_ms / 1000;
  const time_t connect_us = (opts.timeout_ms % 1000) * 1000;
  const int read_s = opts.read_timeout_s;
  thread_ = std::jthread([st, origin, connect_s, connect_us, read_s, out = std::move(out)] {
    httplib::Client cli(origin);
    cli.set_connection_timeout(connect_s, connect_us);
    cli.set_read_timeout(read_s, 0);
    {
      std::lock_guard lock(st->mu);
      if (st->cancelled) return;
      st->client = &cli;
    }
    auto r = cli.send(out);
    {
      std::lock_guard lock(st->mu);
      st->client = nullptr;
    }
    st->finish(r);
  });
}

CommanderCall::~CommanderCall() {
  {
    std::lock_guard lock(st_->mu);
    st_->cancelled = true;
    if (st_->client) st_->client->stop();
  }
  if (thread_.joinable()) thread_.join();
}

bool CommanderCall::wait_headers() {
  std::unique_lock lock(st_->mu);
  const bool ok = st_->cv.wait_for(lock, timeout_, [&] { return st_->headers_ready || st_->done; });
  if (!ok && st_->error.empty())
    st_->error = "no answer within " + std::to_string(timeout_.count()) + " ms";
  return st_->headers_ready;
}

int CommanderCall::status() const {
  std::lock_guard lock(st_->mu);
  return st_->status;
}

std::string CommanderCall::content_type() const {
  std::lock_guard lock(st_->mu);
  return st_->content_type;
}

bool CommanderCall::next(std::string& chunk) {
  std::unique_lock lock(st_->mu);
  st_->cv.wait(lock, [&] { return !st_->chunks.empty() || st_->done; });
  chunk.clear();
  while (!st_->chunks.empty()) {
    chunk += st_->chunks.front();
    st_->chunks.pop_front();
  }
  return !chunk.empty() || !st_->done;
}

bool CommanderCall::failed() const {
  std::lock_guard lock(st_->mu);
  return !st_->error.empty();
}

std::string CommanderCall::error() const {
  std::lock_guard lock(st_->mu);
  return st_->error;
}

}  // namespace tandem::dispatcher
