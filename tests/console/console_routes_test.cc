// The console's asset server in process (content types, CSP, 404s, the API key) and on real
// `tandem` processes (--no-console).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "console/console_routes.h"
#include "console/embedded_assets.h"
#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

namespace fs = std::filesystem;

// An ApiServer with no service (its API answers 503 or 401) and the console's routes.
struct ConsoleServer {
  http::Metrics metrics;
  std::unique_ptr<http::ApiServer> api;
  int port = 0;
  explicit ConsoleServer(const std::string& key = "") {
    http::HttpOptions o;
    o.port = 0;
    o.api_key = key;
    api = std::make_unique<http::ApiServer>(o, metrics);
    console::add_console_routes(
        *api, {.role = "dispatcher", .trace = true, .key_required = !key.empty()});
    port = api->start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

TEST(ConsoleAssets, EveryFileUnderWebIsEmbeddedByteForByte) {
  std::set<std::string> on_disk;
  const fs::path web = source("src/console/web");
  for (const auto& e : fs::recursive_directory_iterator(web))
    if (e.is_regular_file()) on_disk.insert(fs::relative(e.path(), web).generic_string());
  std::set<std::string> embedded;
  for (const auto& a : console::embedded_assets()) {
    embedded.insert(a.path);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(a.data), a.size),
              read_file((web / a.path).string()))
        << a.path;
  }
  EXPECT_EQ(on_disk, embedded);
  EXPECT_TRUE(embedded.contains("index.html"));
}

TEST(ConsoleAssets, ContentTypesByExtension) {
  EXPECT_EQ(console::content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(console::content_type_for("console.css"), "text/css; charset=utf-8");
  EXPECT_EQ(console::content_type_for("js/main.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(console::content_type_for("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(console::content_type_for("notes.txt"), std::nullopt);
}

TEST(ConsoleAssets, NoInlineScriptStyleOrExternalUrl) {
  // The CSP forbids them; the page must not need them.
  for (const auto& a : console::embedded_assets()) {
    std::string text(reinterpret_cast<const char*>(a.data), a.size);
    // The SVG namespace is a name, not a location: nothing is loaded from it.
    const std::string svg_ns = "http://www.w3.org/2000/svg";
    for (size_t p; (p = text.find(svg_ns)) != std::string::npos;) text.erase(p, svg_ns.size());
    EXPECT_EQ(text.find("http://"), std::string::npos) << a.path;
    EXPECT_EQ(text.find("https://"), std::string::npos) << a.path;
    if (std::string_view(a.path).ends_with(".html")) {
      EXPECT_EQ(text.find("style="), std::string::npos) << a.path;
      EXPECT_EQ(text.find("<style"), std::string::npos) << a.path;
      EXPECT_EQ(text.find(" onclick="), std::string::npos) << a.path;
      EXPECT_EQ(text.find("<script>"), std::string::npos) << a.path;
    }
  }
}

TEST(ConsoleRoutes, ServesThePageAndModulesWithTypesAndCsp) {
  ConsoleServer s;
  for (const std::string path : {"/", "/console", "/console/"}) {
    const auto r = get(s.url(), path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(header(r, "Content-Security-Policy"), console::kContentSecurityPolicy) << path;
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_NE(r.body.find("<script type=\"module\" src=\"/console/js/main.js\">"),
              std::string::npos);
  }
  const auto js = get(s.url(), "/console/js/main.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "Content-Security-Policy"), console::kContentSecurityPolicy);
  const auto css = get(s.url(), "/console/console.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(header(css, "Content-Type"), "text/css; charset=utf-8");
  const auto config = get(s.url(), "/console/config.json");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.j()["role"], "dispatcher");
  EXPECT_EQ(get(s.url(), "/console/missing.js").status, 404);
  EXPECT_EQ(get(s.url(), "/console/../CMakeLists.txt").status, 404);
  EXPECT_EQ(get(s.url(), "/console/js/../../index.html").status, 404);
}

TEST(ConsoleRoutes, ThePageLoadsWithoutTheKeyButTheApiNeedsIt) {
  ConsoleServer s("sk-console");
  EXPECT_EQ(get(s.url(), "/").status, 200);
  EXPECT_EQ(get(s.url(), "/console/js/api.js").status, 200);
  const auto config = get(s.url(), "/console/config.json");
  EXPECT_EQ(config.j()["key_required"], true);
  EXPECT_EQ(get(s.url(), "/v1/models").status, 401);
  EXPECT_EQ(get(s.url(), "/metrics").status, 401);
  // With the key the API call passes the check (503 here: no model behind this server).
  EXPECT_EQ(get(s.url(), "/v1/models", "sk-console").status, 503);
}

TEST(ConsoleRoutes, NoConsoleFlagAnswers404OnARealCommander) {
  ServerProcess with({"commander", "-m", edge_model(), "-t", "1", "-c", "256"});
  EXPECT_EQ(get(with.url(), "/").status, 200);
  EXPECT_EQ(get(with.url(), "/console/config.json").j()["role"], "commander");
  ServerProcess without({"commander", "-m", edge_model(), "-t", "1", "-c", "256", "--no-console"});
  for (const std::string path : {"/", "/console", "/console/js/main.js"})
    EXPECT_EQ(get(without.url(), path).status, 404) << path;
  EXPECT_EQ(get(without.url(), "/v1/models").status, 200);  // the API is still there
}

}  // namespace
}  // namespace tandem::test
