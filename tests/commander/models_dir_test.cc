// Several models per Commander (--models-dir), through a real `tandem commander` and real
// sockets: on-demand loading by the request's "model", the byte budget unloading the least
// recently used idle model, keep_alive, unknown models, and the operators' load/unload.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/process.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

namespace fs = std::filesystem;

const std::string kStories = "stories260K-f32";
const std::string kWeak = "weak281K-f32";

// A models dir with two real models (links to the shared files).
std::string models_dir() {
  const fs::path dir = fs::path(unique_temp_dir()) / "models";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_symlink(stories(kStories + ".gguf"), dir / (kStories + ".gguf"));
  fs::create_symlink(shared("models/weak281K/" + kWeak + ".gguf"), dir / (kWeak + ".gguf"));
  std::ofstream(dir / "notes.txt") << "not a model\n";  // ignored: not *.gguf
  return dir.string();
}

uint64_t size_of(const std::string& id) {
  return fs::file_size(id == kStories ? stories(id + ".gguf")
                                      : shared("models/weak281K/" + id + ".gguf"));
}

json chat(const std::string& model, json extra = json::object()) {
  json b = {{"model", model},
            {"messages", json::array({{{"role", "user"}, {"content", "Once upon a time"}}})},
            {"max_tokens", 8},
            {"temperature", 0}};
  b.update(extra);
  return b;
}

// The state /v1/models reports for `id` ("" if it is not listed).
std::string state_of(const std::string& url, const std::string& id, const std::string& key = "") {
  const json list = get(url, "/v1/models", key).j();
  if (!list.contains("data")) return "";
  for (const auto& m : list["data"])
    if (m["id"] == id) return m["state"];
  return "";
}

// Polls until `state_of(id) == want` or the deadline passes; returns the last state seen.
std::string wait_for_state(const std::string& url, const std::string& id, const std::string& want,
                           double deadline_s = 15, const std::string& key = "") {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(deadline_s);
  std::string s;
  while ((s = state_of(url, id, key)) != want && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return s;
}

TEST(CommanderModelsDir, ListsEveryModelAndLoadsOnDemand) {
  ServerProcess c({"commander", "--models-dir", models_dir(), "-t", "1", "-c", "128"});
  const json list = get(c.url(), "/v1/models").j();
  ASSERT_EQ(list["data"].size(), 2u) << list.dump();
  for (const auto& m : list["data"]) {
    EXPECT_EQ(m["object"], "model");
    EXPECT_EQ(m["owned_by"], "tandem");
    EXPECT_EQ(m["state"], "unloaded") << m.dump();
    EXPECT_EQ(m["size_bytes"], size_of(m["id"])) << m.dump();
  }

  auto r = post(c.url(), "/v1/chat/completions", chat(kWeak));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["model"], kWeak);
  EXPECT_EQ(state_of(c.url(), kWeak), "loaded");
  EXPECT_EQ(state_of(c.url(), kStories), "unloaded");
  const json one = get(c.url(), "/v1/models/" + kWeak).j();
  EXPECT_EQ(one["state"], "loaded") << one.dump();
  EXPECT_GT(one.value("context_length", 0), 0) << one.dump();  // the loaded service's fields

  r = post(c.url(), "/v1/completions",
           json{{"model", kStories}, {"prompt", "Once"}, {"max_tokens", 4}, {"temperature", 0}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["model"], kStories);
  EXPECT_EQ(state_of(c.url(), kStories), "loaded");

  // Concurrent first requests for one model share a load, and all succeed.
  post(c.url(), "/v1/tandem/models/" + kWeak + "/unload", std::string());
  ASSERT_EQ(state_of(c.url(), kWeak), "unloaded");
  std::vector<std::thread> clients;
  std::vector<int> statuses(4, 0);
  for (size_t i = 0; i < statuses.size(); ++i)
    clients.emplace_back(
        [&, i] { statuses[i] = post(c.url(), "/v1/chat/completions", chat(kWeak)).status; });
  for (auto& t : clients) t.join();
  for (int s : statuses) EXPECT_EQ(s, 200);
  size_t loads = 0;
  for (size_t p = 0; (p = c.log().find("models: loaded '" + kWeak + "'", p)) != std::string::npos;
       ++p)
    ++loads;
  EXPECT_EQ(loads, 2u) << c.log();  // the first request above, then one for the four

  // With two models and no -m, a request must say which.
  r = post(c.url(), "/v1/chat/completions", json{{"messages", chat(kWeak)["messages"]}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["param"], "model") << r.body;

  const json health = get(c.url(), "/health").j();
  ASSERT_TRUE(health.contains("models")) << health.dump();
  EXPECT_EQ(health["models"]["models"].size(), 2u) << health.dump();
  EXPECT_EQ(health["models"]["bytes_held"], size_of(kWeak) + size_of(kStories)) << health.dump();
}

// A split model in the directory is one model: named without the shard suffix, sized as
// all its shards, loaded from the first; the later shards are not listed.
TEST(CommanderModelsDir, SplitModelIsOneModel) {
  const fs::path dir = fs::path(unique_temp_dir()) / "split-models";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto r = run_tandem({"split", stories(kStories + ".gguf"), (dir / "story").string(),
                             "--split-max-tensors", "20"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  uint64_t total = 0;
  int shards = 0;
  for (const auto& f : fs::directory_iterator(dir)) total += fs::file_size(f.path()), ++shards;
  ASSERT_GE(shards, 2);
  ServerProcess c({"commander", "--models-dir", dir.string(), "-t", "1", "-c", "128"});
  const json list = get(c.url(), "/v1/models").j();
  ASSERT_EQ(list["data"].size(), 1u) << list.dump();
  EXPECT_EQ(list["data"][0]["id"], "story");
  EXPECT_EQ(list["data"][0]["size_bytes"], total);
  const auto res = post(c.url(), "/v1/chat/completions", chat("story"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(state_of(c.url(), "story"), "loaded");
}

TEST(CommanderModelsDir, UnknownModelIsAnOpenAi404) {
  ServerProcess c({"commander", "--models-dir", models_dir(), "-t", "1", "-c", "128"});
  for (const auto& [path, body] : std::vector<std::pair<std::string, json>>{
           {"/v1/chat/completions", chat("nope")},
           {"/v1/tandem/models/nope/load", json::object()},
           {"/v1/tandem/models/nope/unload", json::object()}}) {
    const auto r = post(c.url(), path, body);
    EXPECT_EQ(r.status, 404) << path << ' ' << r.body;
    EXPECT_TRUE(is_openai_error(r.body)) << r.body;
    EXPECT_EQ(r.j()["error"]["code"], "model_not_found") << r.body;
  }
  const auto r = get(c.url(), "/v1/models/nope");
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST(CommanderModelsDir, BudgetUnloadsTheIdleModelForAnother) {
  // Room for either model, not both.
  const uint64_t budget = std::max(size_of(kStories), size_of(kWeak)) + 1000;
  ASSERT_LT(budget, size_of(kStories) + size_of(kWeak));
  // -m: the stories model is loaded at start and is the default for requests without "model".
  ServerProcess c({"commander", "--models-dir", models_dir(), "-m", stories(kStories + ".gguf"),
                   "-t", "1", "-c", "128", "--models-max-bytes", std::to_string(budget)});
  EXPECT_EQ(state_of(c.url(), kStories), "loaded");
  auto r = post(c.url(), "/v1/chat/completions",
                json{{"messages", chat(kWeak)["messages"]}, {"max_tokens", 4}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["model"], kStories);

  r = post(c.url(), "/v1/chat/completions", chat(kWeak));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(state_of(c.url(), kWeak), "loaded");
  EXPECT_EQ(state_of(c.url(), kStories), "unloaded");
  EXPECT_EQ(get(c.url(), "/health").j()["models"]["bytes_held"], size_of(kWeak));

  r = post(c.url(), "/v1/chat/completions", chat(kStories));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(state_of(c.url(), kStories), "loaded");
  EXPECT_EQ(state_of(c.url(), kWeak), "unloaded");
}

TEST(CommanderModelsDir, ModelLargerThanTheBudgetIs503) {
  ServerProcess c({"commander", "--models-dir", models_dir(), "-t", "1", "-c", "128",
                   "--models-max-bytes", "1K"});
  const auto r = post(c.url(), "/v1/chat/completions", chat(kWeak));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_TRUE(is_openai_error(r.body)) << r.body;
  EXPECT_NE(r.j()["error"]["message"].get<std::string>().find("--models-max-bytes"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(state_of(c.url(), kWeak), "unloaded");
}

TEST(CommanderModelsDir, KeepAlive) {
  ServerProcess c(
      {"commander", "--models-dir", models_dir(), "-t", "1", "-c", "512", "--keep-alive", "-1"});
  // keep_alive 0: unloaded right after the answer (a streamed one included: the stream keeps
  // its model until the last chunk).
  // Long enough that a model unloaded under the stream would cut it short.
  auto r = post(c.url(), "/v1/chat/completions",
                chat(kWeak, {{"keep_alive", 0},
                             {"stream", true},
                             {"max_tokens", 400},
                             {"ignore_eos", true},
                             {"stream_options", {{"include_usage", true}}}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto events = sse_data(r.body);
  ASSERT_GE(events.size(), 2u) << r.body;
  EXPECT_EQ(events.back(), "[DONE]") << r.body;
  const json usage = json::parse(events[events.size() - 2], nullptr, false);
  EXPECT_EQ(usage["usage"]["completion_tokens"], 400) << events[events.size() - 2];
  EXPECT_TRUE(c.running());
  EXPECT_EQ(wait_for_state(c.url(), kWeak, "unloaded"), "unloaded");

  // A short keep-alive expires on its own (the reaper); the default (-1 here) never does.
  r = post(c.url(), "/v1/chat/completions", chat(kWeak, {{"keep_alive", "300ms"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  r = post(c.url(), "/v1/chat/completions", chat(kStories));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(wait_for_state(c.url(), kWeak, "unloaded"), "unloaded");
  EXPECT_EQ(state_of(c.url(), kStories), "loaded");

  for (const json bad : {json("soon"), json("5x"), json(true), json("1e400h")}) {
    r = post(c.url(), "/v1/chat/completions", chat(kStories, {{"keep_alive", bad}}));
    EXPECT_EQ(r.status, 400) << bad.dump() << ' ' << r.body;
    EXPECT_EQ(r.j()["error"]["param"], "keep_alive") << r.body;
  }
}

TEST(CommanderModelsDir, OperatorLoadAndUnloadRespectTheApiKey) {
  ServerProcess c(
      {"commander", "--models-dir", models_dir(), "-t", "1", "-c", "128", "--api-key", "sekrit"});
  const std::string load = "/v1/tandem/models/" + kStories + "/load";
  const std::string unload = "/v1/tandem/models/" + kStories + "/unload";
  EXPECT_EQ(post(c.url(), load, json::object()).status, 401);
  EXPECT_EQ(state_of(c.url(), kStories, "sekrit"), "unloaded");

  auto r = post(c.url(), load, json::object(), "sekrit");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["state"], "loaded") << r.body;
  EXPECT_EQ(state_of(c.url(), kStories, "sekrit"), "loaded");

  EXPECT_EQ(post(c.url(), unload, json::object()).status, 401);
  r = post(c.url(), unload, json::object(), "sekrit");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["state"], "unloaded") << r.body;
  EXPECT_EQ(state_of(c.url(), kStories, "sekrit"), "unloaded");

  // A load with its own keep_alive: gone once it runs out.
  r = post(c.url(), load, json{{"keep_alive", "200ms"}}, "sekrit");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(wait_for_state(c.url(), kStories, "unloaded", 15, "sekrit"), "unloaded");
  r = post(c.url(), load, json{{"keep_alive", "later"}}, "sekrit");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(CommanderModelsDir, BadFlagsExitWithOneLine) {
  const std::string dir = models_dir();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"commander", "--models-dir", dir, "--models-max-bytes", "lots"},
           {"commander", "--models-dir", dir, "--keep-alive", "5 minutes"},
           {"commander", "--models-dir", dir + "/missing"}}) {
    const auto r = run_tandem(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
}  // namespace tandem::test
