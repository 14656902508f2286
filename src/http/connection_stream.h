// One HTTP connection's socket as cpp-httplib's Stream, with the limits httplib 0.11 lacks:
// a deadline for the request line + headers and another for the body, a cap on header bytes
// and on body bytes whatever the framing (Content-Length or chunked), a request without a
// length has no body (RFC 9112 §6.3, instead of reading until the client closes), and a
// half-closed client (shutdown(SHUT_WR) after its request) still counts as writable.
#pragma once

#include <httplib.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>

namespace tandem::http {

struct ConnectionLimits {
  double header_timeout_s = 10;
  double body_timeout_s = 30;
  double write_timeout_s = 30;
  size_t max_header_bytes = 64 << 10;
  size_t max_body_bytes = 8 << 20;
};

// Why a request was cut off (kNone: it was not).
enum class StreamFailure { kNone, kHeaderTimeout, kHeaderTooLarge, kBodyTimeout, kBodyTooLarge };

// The HTTP status and message for a failure (408, 431, 413).
int failure_status(StreamFailure f);
std::string failure_message(StreamFailure f, const ConnectionLimits& limits);
// Metric label: "header_timeout", "header_too_large", "body_timeout", "body_too_large".
const char* failure_label(StreamFailure f);

class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int fd, ConnectionLimits limits);

  // Waits up to `seconds` for the next request's first byte (keep-alive idle time); false on
  // timeout, end of stream or error.
  bool wait_for_request(double seconds);
  // Starts a request: header phase, its deadline from now, counters reset.
  void begin_request();
  StreamFailure failure() const { return failure_; }
  size_t request_bytes() const { return header_bytes_ + body_bytes_; }
  size_t response_bytes() const { return written_; }
  // Asks the connection loop to close after this response: the request was malformed at the
  // HTTP level, so what follows on the connection cannot be trusted (httplib's error handler
  // calls it; an application-level 400 keeps the connection).
  void close_after_response() const { close_requested_ = true; }
  bool close_requested() const { return close_requested_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return fd_; }

  // The stream serving the calling thread's request, if any (httplib's error handler runs on
  // that thread and turns a cut-off read into the right status).
  static const ConnectionStream* current();
  // The declared length of a body refused unread (too large even to drain while reading);
  // 0 for any other request. The server drains that much after its 413, so a client still
  // sending it reads the answer instead of a reset.
  size_t refused_length() const { return body_ == Body::kRefused ? declared_ : 0; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kHeaders, kBody };

  ssize_t fail(StreamFailure f);
  // Buffered bytes left, else one recv() within the current phase's deadline.
  ssize_t fill();
  void parse_framing();

  int fd_;
  ConnectionLimits limits_;
  Phase phase_ = Phase::kHeaders;
  Clock::time_point deadline_;
  StreamFailure failure_ = StreamFailure::kNone;
  size_t header_bytes_ = 0, body_bytes_ = 0, written_ = 0;
  uint32_t tail_ = 0;  // last four header bytes, to find the blank line
  std::string head_;   // the request head, to learn the body's framing
  // What the head allows the body to be: nothing (no Content-Length and not chunked), refused
  // unread (a declared length too large even to drain), or up to body_cap_ bytes.
  enum class Body { kEmpty, kRefused, kCapped };
  Body body_ = Body::kCapped;
  size_t body_cap_ = 0;
  size_t declared_ = 0;  // Content-Length, when given
  mutable bool close_requested_ = false;
  std::array<char, 65536> buf_{};  // fewer recv calls: syscalls are dear on a VM
  size_t buf_pos_ = 0, buf_len_ = 0;
};

// Makes `s` the calling thread's current() for its lifetime.
class CurrentStream {
 public:
  explicit CurrentStream(const ConnectionStream* s);
  ~CurrentStream();
  CurrentStream(const CurrentStream&) = delete;
  CurrentStream& operator=(const CurrentStream&) = delete;
};

}  // namespace tandem::http
