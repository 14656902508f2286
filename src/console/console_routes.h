// The web console (docs/CONSOLE.md): GET / and /console serve its page, /console/<file> its
// embedded CSS and JavaScript modules, /console/config.json what the page needs to know about
// this node. Every answer carries a strict Content-Security-Policy (no inline script or
// style, nothing from another origin). The page itself needs no key; it asks the user for
// --api-key and sends it as a Bearer token on the API calls it makes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http_server.h"

namespace tandem::console {

struct ConsoleOptions {
  std::string role;           // "dispatcher" or "commander": which panels the page shows
  bool trace = false;         // whether answers carry x_tandem (the Dispatcher's --no-trace)
  bool key_required = false;  // whether API calls need a key (--api-key set)
};

// The header value every console answer carries.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

// The Content-Type for an asset path by its extension; nullopt for one the console does not
// serve.
std::optional<std::string> content_type_for(std::string_view path);

// Registers the console's routes on `api` (before api.start()).
void add_console_routes(http::ApiServer& api, const ConsoleOptions& options);

}  // namespace tandem::console
