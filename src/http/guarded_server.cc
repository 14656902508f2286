#include "http/guarded_server.h"

#include <malloc.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>

#include <chrono>
#include <string>

#include "http/json_util.h"

namespace tandem::http {
namespace {

std::string error_body(const std::string& message, const char* type, const char* code) {
  return dump(
      {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}});
}

std::string raw_response(int status, const char* reason, const std::string& body,
                         const char* extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

void send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) return;  // best effort: the client may be gone or not reading
    off += static_cast<size_t>(n);
  }
}

// Closing with unread input sends a reset, which can destroy the answer just written before
// the client reads it; so drain for a moment first (bounded: a flood is cut off anyway).
// refused_length: a body announced with a length and refused unread is drained whole (up to
// 256 MiB, within 1 s): its sender is still writing it, and would lose the 413 to a reset.
void close_gracefully(int fd, size_t refused_length = 0) {
  ::shutdown(fd, SHUT_WR);
  char buf[16384];
  size_t drained = 0;
  const size_t cap = std::max<size_t>(4u << 20, std::min<size_t>(refused_length, 256u << 20));
  const auto end =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(refused_length > 0 ? 1000 : 300);
  while (drained < cap) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n <= 0) break;
    drained += static_cast<size_t>(n);
  }
  ::close(fd);
}

}  // namespace

GuardedServer::GuardedServer(ConnectionPolicy policy) : policy_(policy) {
  // Request-sized buffers (bodies, their JSON, prompts) straight from mmap, so they go back
  // to the system when freed: glibc's adaptive threshold would otherwise rise to 32 MB after
  // the first large free and keep later bodies in per-thread arenas (measured: 20 bodies of
  // 8 MB left ~400 MB resident). Process-wide, which is what a server process wants.
  ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(policy_.trim_after_bytes));
  set_payload_max_length(policy_.limits.max_body_bytes);
  set_keep_alive_timeout(static_cast<time_t>(policy_.idle_timeout_s + 0.999));
}

void GuardedServer::refuse(int fd) {
  static const std::string response =
      raw_response(503, "Service Unavailable",
                   error_body("the server has too many open connections; retry shortly",
                              "server_error", "too_many_connections"),
                   "Retry-After: 1\r\n");
  send_all(fd, response);
  if (on_refused) on_refused("capacity");
  close_gracefully(fd);
}

void GuardedServer::answer_failure(ConnectionStream& strm) {
  const StreamFailure f = strm.failure();
  if (on_refused) on_refused(failure_label(f));
  // httplib answers failures after the request line itself (through the error handler, which
  // reads ConnectionStream::current()); one cut off earlier gets its answer here.
  if (strm.response_bytes() > 0) return;
  const int status = failure_status(f);
  const char* reason = status == 408   ? "Request Timeout"
                       : status == 413 ? "Payload Too Large"
                       : status == 431 ? "Request Header Fields Too Large"
                                       : "Bad Request";
  send_all(strm.socket(), raw_response(status, reason,
                                       error_body(failure_message(f, policy_.limits),
                                                  "invalid_request_error", failure_label(f))));
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  const int open = ++open_;
  struct Leave {
    GuardedServer& s;
    ~Leave() {
      const int now = --s.open_;
      if (s.on_open_change) s.on_open_change(now);
    }
  } leave{*this};
  if (on_open_change) on_open_change(open);
  if (open > policy_.max_connections) {
    refuse(sock);
    return true;
  }
  ConnectionStream strm(sock, policy_.limits);
  CurrentStream current(&strm);
  bool ret = false;
  for (size_t n = 0; n < policy_.max_requests_per_connection; ++n) {
    if (!is_running() || !strm.wait_for_request(policy_.idle_timeout_s)) break;
    strm.begin_request();
    bool connection_closed = false;
    const bool last = n + 1 == policy_.max_requests_per_connection;
    ret = process_request(strm, last, connection_closed, [](httplib::Request&) {});
    const size_t bytes = strm.request_bytes();
    if (bytes >= policy_.trim_after_bytes) ::malloc_trim(0);
    if (strm.failure() != StreamFailure::kNone) {
      answer_failure(strm);
      break;
    }
    if (!ret || connection_closed || strm.close_requested()) break;
  }
  close_gracefully(sock, strm.refused_length());
  return ret;
}

}  // namespace tandem::http
