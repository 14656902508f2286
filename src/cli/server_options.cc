#include "cli/server_options.h"

#include <fmt/core.h>

#include <pthread.h>

namespace tandem::cli {

void add_http_options(CLI::App* cmd, http::HttpOptions& http) {
  cmd->add_option("--host", http.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", http.port, "Port (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--api-key", http.api_key, "Require 'Authorization: Bearer KEY'");
  cmd->add_option("--max-body", http.max_body_bytes, "Largest request body in bytes")
      ->capture_default_str();
  cmd->add_option("--http-threads", http.http_threads, "HTTP worker threads (one per open stream)")
      ->capture_default_str()
      ->check(CLI::Range(4, 4096));
}

void add_pooling_option(CLI::App* cmd, std::optional<engine::Pooling>& pooling) {
  cmd->add_option_function<std::string>(
         "--pooling", [&pooling](const std::string& v) { pooling = engine::parse_pooling(v); },
         "/v1/embeddings pooling: mean|cls|last (default: the GGUF's pooling_type, else mean)")
      ->check(CLI::IsMember({"mean", "cls", "last"}));
}

sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

void serve_until_signal(http::ApiServer& api, const sigset_t& signals, const char* role) {
  fmt::print(stderr, "{}: ready\n", role);
  int sig = 0;
  sigwait(&signals, &sig);
  fmt::print(stderr, "{}: signal {}, shutting down\n", role, sig);
  api.stop();
}

}  // namespace tandem::cli
