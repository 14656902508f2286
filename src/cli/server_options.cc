#include "cli/server_options.h"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <pthread.h>

#include <memory>
#include <string>

#include "log/log.h"

namespace tandem::cli {

void add_http_options(CLI::App* cmd, http::HttpOptions& http) {
  // Logging is set up as soon as the command line is parsed, before the model loads.
  struct LogChoice {
    std::string level = "info", format = "text";
  };
  auto log_choice = std::make_shared<LogChoice>();
  cmd->add_option("--log-level", log_choice->level,
                  "Server log level: trace, debug, info, warn, error, off (prompts and answers "
                  "are never logged at info or above)")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  cmd->add_option("--log-format", log_choice->format, "Server log lines: text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd->parse_complete_callback([log_choice] {
    log::init(log::parse_level(log_choice->level), log::parse_format(log_choice->format));
  });
  cmd->add_option("--host", http.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", http.port, "Port (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--api-key", http.api_key, "Require 'Authorization: Bearer KEY'");
  cmd->add_option("--max-body", http.max_body_bytes, "Largest request body in bytes")
      ->capture_default_str();
  cmd->add_option("--metrics-key", http.metrics_key,
                  "Key for GET /metrics (default: --api-key when set, else open)");
  cmd->add_option("--cors-origin", http.cors_origins,
                  "Allow browsers from this origin ('*' for any; repeatable). Default: no CORS");
  cmd->add_option("--max-connections,--http-threads", http.max_connections,
                  "Open connections served at once (a stream holds one); more get 503")
      ->capture_default_str()
      ->check(CLI::Range(4, 4096));
  cmd->add_option("--header-timeout", http.header_timeout_s,
                  "Seconds a client may take to send a request's line and headers")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--body-timeout", http.body_timeout_s,
                  "Seconds a client may take to send a request body")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--idle-timeout", http.idle_timeout_s,
                  "Seconds an idle keep-alive connection stays open")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void add_console_option(CLI::App* cmd, bool& enabled) {
  cmd->add_flag_callback(
      "--no-console", [&enabled] { enabled = false; },
      "Do not serve the web console at / and /console (docs/CONSOLE.md)");
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
  spdlog::info("{}: ready", role);
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("{}: signal {}, shutting down", role, sig);
  api.stop();
}

}  // namespace tandem::cli
