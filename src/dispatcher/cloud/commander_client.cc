#include "dispatcher/cloud/commander_client.h"

#include <algorithm>
#include <string_view>

#include "http/request_id.h"
#include "http/response_pipe.h"

namespace tandem::dispatcher {

struct CommanderCall::State : http::ResponsePipe {
  httplib::Client* client = nullptr;  // while the request runs, for stop()
};

const char* failure_kind(LinkFailure f) {
  switch (f) {
    case LinkFailure::kConnect:
      return "connect";
    case LinkFailure::kFirstByte:
      return "first_byte";
    case LinkFailure::kStall:
      return "stall";
    case LinkFailure::kStatus:
      return "status";
    case LinkFailure::kNone:
      break;
  }
  return "";
}

void split_commander_url(const std::string& url, std::string& origin, std::string& prefix) {
  // scheme://authority[/path]: the authority is everything up to the first '/'.
  const std::string_view u(url);
  size_t scheme = u.starts_with("http://") ? 7 : u.starts_with("https://") ? 8 : 0;
  const size_t slash = scheme ? u.find('/', scheme) : std::string_view::npos;
  const size_t host_end = slash == std::string_view::npos ? u.size() : slash;
  if (!scheme || host_end == scheme)
    throw std::invalid_argument("--commander must look like http://host:port, not '" + url + "'");
  origin = url.substr(0, host_end);
  prefix = url.substr(host_end);
  while (prefix.ends_with("/")) prefix.pop_back();
  if (prefix.ends_with("/v1")) prefix.resize(prefix.size() - 3);
}

CommanderCall::CommanderCall(const CommanderOptions& opts, const std::string& path,
                             std::string body, bool whole)
    : st_(std::make_shared<State>()),
      first_deadline_(
          Clock::now() + std::chrono::milliseconds(opts.connect_timeout_ms) +
          std::chrono::milliseconds(whole ? opts.answer_timeout_ms : opts.first_byte_timeout_ms)),
      stall_(opts.stall_timeout_ms) {
  std::string origin, prefix;
  split_commander_url(opts.url, origin, prefix);
  httplib::Request out;
  out.method = "POST";
  out.path = prefix + "/v1" + path;
  if (!opts.api_key.empty()) out.set_header("Authorization", "Bearer " + opts.api_key);
  out.set_header("Content-Type", "application/json");
  // The client's request id goes on, so one id finds the request in both nodes' logs.
  if (const std::string& id = http::current_request_id(); !id.empty())
    out.set_header(http::kRequestIdHeader, id);
  out.body = std::move(body);
  auto st = st_;
  http::ResponsePipe::attach(st, out);
  const auto connect = std::chrono::milliseconds(opts.connect_timeout_ms);
  // Our own deadlines (wait_headers, next) decide; the socket's read timeout only bounds the
  // thread should a deadline be missed: it ends at the latest a little after them.
  const int wait_ms = std::max(
      {opts.first_byte_timeout_ms, opts.stall_timeout_ms, whole ? opts.answer_timeout_ms : 0});
  const time_t read_s = wait_ms / 1000 + 2;
  thread_ = std::jthread([st, origin, connect, read_s, out = std::move(out)] {
    httplib::Client cli(origin);
    cli.set_connection_timeout(connect);
    cli.set_read_timeout(read_s, 0);
    cli.set_write_timeout(read_s, 0);
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

void CommanderCall::abort() {
  std::lock_guard lock(st_->mu);
  st_->cancelled = true;
  if (st_->client) st_->client->stop();  // shuts the socket: the blocked read returns
}

CommanderCall::~CommanderCall() {
  abort();
  if (thread_.joinable()) thread_.join();
}

LinkFailure CommanderCall::classify_locked() const {
  if (st_->headers_ready) return LinkFailure::kStall;  // the answer broke off
  // httplib::to_string(Error::Connection | Error::ConnectionTimeout)
  if (st_->error.starts_with("Connection")) return LinkFailure::kConnect;
  return LinkFailure::kFirstByte;  // connected, but no answer (reset, read error)
}

bool CommanderCall::wait_headers(const std::function<bool()>& give_up) {
  bool ready;
  {
    std::unique_lock lock(st_->mu);
    auto arrived = [&] { return st_->headers_ready || st_->done; };
    while (!arrived() && Clock::now() < first_deadline_) {
      const auto slice =
          std::min<Clock::duration>(first_deadline_ - Clock::now(), std::chrono::milliseconds(100));
      st_->cv.wait_for(lock, slice, arrived);
      if (!arrived() && give_up && give_up()) {
        st_->error = "given up: the health probe finds the Commander unreachable";
        break;
      }
    }
    ready = st_->headers_ready;
    if (!ready) {
      if (!st_->done && st_->error.empty()) st_->error = "no answer before the first-byte deadline";
      failure_ = st_->done ? classify_locked() : LinkFailure::kFirstByte;
    }
  }
  if (!ready) abort();
  return ready;
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
  chunk.clear();
  bool stalled = false, more = true;
  {
    std::unique_lock lock(st_->mu);
    const auto deadline = got_body_ ? Clock::now() + stall_ : first_deadline_;
    if (!st_->cv.wait_until(lock, deadline, [&] { return !st_->chunks.empty() || st_->done; })) {
      stalled = true;
      st_->error = got_body_ ? "stalled: no data for " + std::to_string(stall_.count()) + " ms"
                             : "no first byte before the deadline";
      failure_ = got_body_ ? LinkFailure::kStall : LinkFailure::kFirstByte;
    } else {
      while (!st_->chunks.empty()) {
        chunk += st_->chunks.front();
        st_->chunks.pop_front();
      }
      got_body_ = got_body_ || !chunk.empty();
      if (chunk.empty() && st_->done && !st_->error.empty()) failure_ = classify_locked();
      more = !chunk.empty() || !st_->done;
    }
  }
  if (stalled) {
    abort();
    return false;
  }
  return more;
}

bool CommanderCall::failed() const {
  std::lock_guard lock(st_->mu);
  return !st_->error.empty();
}

LinkFailure CommanderCall::failure() const {
  return failure_;
}

std::string CommanderCall::error() const {
  std::lock_guard lock(st_->mu);
  return st_->error;
}

}  // namespace tandem::dispatcher
