// The Dispatcher's client to the Commander: one POST running on its own thread, so the
// handler can wait for the response headers with a deadline (offline detection) and then
// read the body chunk by chunk as it arrives (streaming, mid-stream failure detection).
// Only masked text may be handed to it (see DESIGN.md, "Masking is a boundary").
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>

namespace tandem::dispatcher {

struct CommanderOptions {
  std::string url;           // http://host:port[/prefix]; a trailing /v1 is accepted
  std::string api_key;       // sent as Authorization: Bearer
  int timeout_ms = 3000;     // connect + response headers; beyond it the Commander is offline
  int read_timeout_s = 300;  // between body bytes once the answer started
};

class CommanderCall {
 public:
  // Starts POST url/v1<path> with a JSON body. Throws std::invalid_argument for a bad URL.
  CommanderCall(const CommanderOptions& opts, const std::string& path, std::string body);
  ~CommanderCall();  // aborts the request if it is still running
  CommanderCall(const CommanderCall&) = delete;
  CommanderCall& operator=(const CommanderCall&) = delete;

  // Waits up to timeout_ms for the response headers. False: unreachable (see error()).
  bool wait_headers();
  int status() const;
  std::string content_type() const;

  // Blocks until more body bytes or the end. Returns false at the end of the body; then
  // failed() tells whether the transport broke (Commander died, connection reset).
  bool next(std::string& chunk);
  bool failed() const;
  std::string error() const;

 private:
  struct State;
  std::shared_ptr<State> st_;
  std::chrono::milliseconds timeout_;
  std::jthread thread_;
};

// Splits "scheme://host:port" and the path prefix before /v1; throws std::invalid_argument.
void split_commander_url(const std::string& url, std::string& origin, std::string& prefix);

}  // namespace tandem::dispatcher
