// The Dispatcher's client to the Commander: one POST running on its own thread, so the
// handler can wait for the response headers with a deadline (offline detection) and then
// read the body chunk by chunk as it arrives, each chunk with a deadline too (a stopped
// Commander is a stall, not a hang). Only masked text may be handed to it (see DESIGN.md,
// "Masking is a boundary").
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "dispatcher/cloud/circuit_breaker.h"

namespace tandem::dispatcher {

struct CommanderOptions {
  std::string url;      // http://host:port[/prefix]; a trailing /v1 is accepted
  std::string api_key;  // sent as Authorization: Bearer
  int connect_timeout_ms = 2000;
  // After connecting: until the response headers and, streamed, the first body byte.
  int first_byte_timeout_ms = 15000;
  // Streamed: the longest silence between two body chunks; beyond it the edge continues.
  int stall_timeout_ms = 5000;
  // Not streamed: the Commander sends nothing until the whole answer is generated, so the
  // headers get this deadline instead (the health probe ends the wait sooner when the
  // Commander stops answering).
  int answer_timeout_ms = 300000;
  int probe_interval_ms = 2000;  // background health probe (its own timeout: <= 1 s)
  CircuitBreaker::Options circuit;
};

// What went wrong with a call: the metric label of tandem_commander_failures_total.
enum class LinkFailure { kNone, kConnect, kFirstByte, kStall, kStatus };
const char* failure_kind(LinkFailure f);

class CommanderCall {
 public:
  // Starts POST url/v1<path> with a JSON body. whole: a non-streamed request (headers come
  // with the whole answer). Throws std::invalid_argument for a bad URL.
  CommanderCall(const CommanderOptions& opts, const std::string& path, std::string body,
                bool whole = false);
  ~CommanderCall();  // aborts the request if it is still running, joins its thread
  CommanderCall(const CommanderCall&) = delete;
  CommanderCall& operator=(const CommanderCall&) = delete;

  // Waits for the response headers until the deadline, or until give_up() says so (polled).
  // False: unreachable (see failure(), error()); the request is aborted then.
  bool wait_headers(const std::function<bool()>& give_up = {});
  int status() const;
  std::string content_type() const;

  // Blocks until more body bytes, the end, or a deadline (the first byte's, then the stall
  // timeout since the last chunk). Returns false at the end of the body; then failed() tells
  // whether the transport broke or stalled (the request is aborted then).
  bool next(std::string& chunk);
  bool failed() const;
  LinkFailure failure() const;
  std::string error() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct State;
  void abort();
  // Classifies a transport error reported by the sending thread (under st_->mu).
  LinkFailure classify_locked() const;

  std::shared_ptr<State> st_;
  Clock::time_point first_deadline_;
  std::chrono::milliseconds stall_;
  bool got_body_ = false;
  LinkFailure failure_ = LinkFailure::kNone;
  std::jthread thread_;
};

// Splits "scheme://host:port" and the path prefix before /v1; throws std::invalid_argument.
void split_commander_url(const std::string& url, std::string& origin, std::string& prefix);

}  // namespace tandem::dispatcher
