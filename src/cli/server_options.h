// What the two server commands (commander, dispatcher) share: the HTTP listener's flags and
// a clean shutdown on SIGINT/SIGTERM.
#pragma once

#include <CLI/CLI.hpp>
#include <csignal>

#include <optional>

#include "engine/embedding.h"
#include "http/http_server.h"

namespace tandem::cli {

// --host, --port, --api-key, --metrics-key, --cors-origin, --max-body, --max-connections,
// --header-timeout, --body-timeout, --idle-timeout, and --log-level / --log-format (applied
// as soon as the command line is parsed).
void add_http_options(CLI::App* cmd, http::HttpOptions& http);

// --no-console: the web console (src/console, docs/CONSOLE.md) is not served; its paths
// answer 404. `enabled` stays true without it.
void add_console_option(CLI::App* cmd, bool& enabled);

// --pooling mean|cls|last: how /v1/embeddings pools (unset: the model file's, else mean).
void add_pooling_option(CLI::App* cmd, std::optional<engine::Pooling>& pooling);

// SIGINT/SIGTERM are blocked in every thread (call this before starting any) and taken
// synchronously by the main thread, so shutdown runs as ordinary code rather than inside a
// signal handler. SIGPIPE is ignored: a vanished client must not kill the server.
sigset_t block_shutdown_signals();
// Reports "<role>: ready", blocks until one of those signals arrives, then stops the server.
void serve_until_signal(http::ApiServer& api, const sigset_t& signals, const char* role);

}  // namespace tandem::cli
