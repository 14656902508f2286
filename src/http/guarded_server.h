// cpp-httplib's server with our connection handling: a cap on open connections (one more gets
// a 503 at once instead of waiting behind idle ones for a worker), per-request deadlines and
// size limits (ConnectionStream), a keep-alive idle timeout, and memory handed back to the
// system after large requests. httplib 0.11 (Debian 12) still parses requests, routes and
// writes responses; this replaces only its per-connection loop, an overridable hook.
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <string>

#include "http/connection_stream.h"

namespace tandem::http {

struct ConnectionPolicy {
  ConnectionLimits limits;
  int max_connections = 256;
  double idle_timeout_s = 5;
  size_t max_requests_per_connection = 1000;
  // Requests at least this large are followed by malloc_trim: a big body's pages go back.
  size_t trim_after_bytes = 1 << 20;
};

class GuardedServer final : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionPolicy policy);

  const ConnectionPolicy& policy() const { return policy_; }
  int open_connections() const { return open_.load(); }
  // Observers (metrics): connection count changes, and connections refused or cut off.
  std::function<void(int open)> on_open_change;
  std::function<void(const char* why)> on_refused;

 private:
  bool process_and_close_socket(socket_t sock) override;
  void refuse(int fd);
  void answer_failure(ConnectionStream& strm);

  ConnectionPolicy policy_;
  std::atomic<int> open_{0};
};

}  // namespace tandem::http
