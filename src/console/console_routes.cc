#include "console/console_routes.h"

#include <nlohmann/json.hpp>

#include "console/embedded_assets.h"

namespace tandem::console {

namespace {

const EmbeddedAsset* find_asset(std::string_view path) {
  for (const auto& a : embedded_assets())
    if (path == a.path) return &a;
  return nullptr;
}

void set_security_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  // The assets change with the binary: the browser revalidates rather than keeps a stale page.
  res.set_header("Cache-Control", "no-cache");
}

void send_not_found(httplib::Response& res, const std::string& path) {
  set_security_headers(res);
  res.status = 404;
  res.set_content("no console file " + path + "\n", "text/plain; charset=utf-8");
}

void send_asset(const std::string& path, httplib::Response& res) {
  const EmbeddedAsset* asset = find_asset(path);
  const auto type = content_type_for(path);
  if (!asset || !type) return send_not_found(res, path);
  set_security_headers(res);
  res.status = 200;
  res.set_content(reinterpret_cast<const char*>(asset->data), asset->size, type->c_str());
}

}  // namespace

std::optional<std::string> content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  // Module scripts are refused by browsers unless served with a JavaScript MIME type.
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  return std::nullopt;
}

void add_console_routes(http::ApiServer& api, const ConsoleOptions& options) {
  auto index = [](const httplib::Request&, httplib::Response& res) {
    send_asset("index.html", res);
  };
  api.page("/", index, "/console");
  api.page("/console", index, "/console");
  api.page("/console/", index, "/console");
  const std::string config = nlohmann::json{
      {"role", options.role},
      {"trace", options.trace},
      {"key_required",
       options.key_required}}.dump();
  api.page(
      "/console/config.json",
      [config](const httplib::Request&, httplib::Response& res) {
        set_security_headers(res);
        res.set_content(config, "application/json");
      },
      "/console/config.json");
  api.page(R"(/console/([A-Za-z0-9_./-]+))",
           [](const httplib::Request& req, httplib::Response& res) {
             const std::string path = req.matches[1];
             if (path.find("..") != std::string::npos) return send_not_found(res, path);
             send_asset(path, res);
           },
           "/console/{file}");
}

}  // namespace tandem::console
