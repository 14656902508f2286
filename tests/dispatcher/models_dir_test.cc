// The Dispatcher's model management, through a real `tandem dispatcher` in front of a real
// `tandem commander`: several edge models (--models-dir) loaded on demand within a byte
// budget, and hot swap / SIGHUP on a Dispatcher started with -m alone.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

namespace fs = std::filesystem;

const std::string kStories = "stories260K-f32";
const std::string kWeak = "weak281K-f32";

std::string weak_file() {
  return shared("models/weak281K/" + kWeak + ".gguf");
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(unique_temp_dir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

json story_chat(const std::string& model, json extra = json::object()) {
  json b = chat("Once upon a time, there was a little girl named Lily. She liked to play", 8);
  if (!model.empty()) b["model"] = model;
  b["temperature"] = 0;
  b.update(extra);
  return b;
}

std::string state_of(const std::string& url, const std::string& id) {
  const json list = get(url, "/v1/models").j();
  for (const auto& m : list["data"])
    if (m["id"] == id) return m["state"];
  return "";
}

std::string wait_for_state(const std::string& url, const std::string& id, const std::string& want) {
  std::string s;
  for (int i = 0; i < 300 && (s = state_of(url, id)) != want; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return s;
}

class DispatcherModels : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    commander_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", edge_model(), "-t", "1", "-c", "256"});
  }
  static void TearDownTestSuite() { commander_.reset(); }
  static std::vector<std::string> dispatcher_args(std::vector<std::string> extra) {
    std::vector<std::string> a = {
        "dispatcher",     "-t",          "1", "-c", "256", "--commander", commander_->url(),
        "--intent-model", intent_model()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  static std::unique_ptr<ServerProcess> commander_;
};
std::unique_ptr<ServerProcess> DispatcherModels::commander_;

TEST_F(DispatcherModels, ModelsDirLoadsEdgeModelsOnDemandWithinTheBudget) {
  const fs::path dir = fresh_dir("dispatcher-models");
  fs::create_symlink(edge_model(), dir / (kStories + ".gguf"));
  fs::create_symlink(weak_file(), dir / (kWeak + ".gguf"));
  // Room for one model at a time: loading the second unloads the idle first.
  const uint64_t budget = std::max(fs::file_size(edge_model()), fs::file_size(weak_file())) + 1;
  ServerProcess d(dispatcher_args(
      {"--models-dir", dir.string(), "--models-max-bytes", std::to_string(budget)}));

  const json list = get(d.url(), "/v1/models").j();
  ASSERT_EQ(list["data"].size(), 2u) << list.dump();
  for (const auto& m : list["data"]) {
    EXPECT_EQ(m["state"], "unloaded") << m.dump();
    EXPECT_GT(m["size_bytes"].get<uint64_t>(), 0u) << m.dump();
  }

  auto r = post(d.url(), "/v1/chat/completions", story_chat(kWeak));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
  EXPECT_EQ(r.j()["model"], kWeak);
  EXPECT_EQ(state_of(d.url(), kWeak), "loaded");
  // A loaded edge model's entry carries its card (context length, media policy).
  for (const auto& m : get(d.url(), "/v1/models").j()["data"])
    if (m["id"] == kWeak) EXPECT_EQ(m["context_length"], 256) << m.dump();

  r = post(d.url(), "/v1/chat/completions", story_chat(kStories, {{"stream", true}}));
  ASSERT_EQ(r.status, 200) << r.body;
  bool done = false;
  EXPECT_FALSE(answer_text(r, true, &done).empty());
  EXPECT_TRUE(done);
  EXPECT_EQ(state_of(d.url(), kStories), "loaded");
  EXPECT_EQ(state_of(d.url(), kWeak), "unloaded") << "the budget holds one model";

  // The routing decision names its model too.
  r = post(d.url(), "/v1/route", story_chat(kWeak));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["route"], "edge") << r.body;

  // Several models and no default: the request must name one; unknown ones are 404s.
  r = post(d.url(), "/v1/chat/completions", story_chat(""));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find(kWeak), std::string::npos) << r.body;
  r = post(d.url(), "/v1/chat/completions", story_chat("nope"));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "model_not_found") << r.body;

  // Operators: unload and load by id.
  EXPECT_EQ(post(d.url(), "/v1/tandem/models/" + kStories + "/unload", json::object()).status, 200);
  EXPECT_EQ(wait_for_state(d.url(), kStories, "unloaded"), "unloaded");
  EXPECT_EQ(post(d.url(), "/v1/tandem/models/" + kWeak + "/load", json::object()).status, 200);
  EXPECT_EQ(state_of(d.url(), kWeak), "loaded");
  EXPECT_EQ(get(d.url(), "/health").j()["status"], "ok");
}

TEST_F(DispatcherModels, PlainModelSwapsRollsBackAndReloadsOnSighup) {
  const fs::path tmp = fresh_dir("dispatcher-swap");
  {
    std::ifstream in(edge_model(), std::ios::binary);
    const std::string good{std::istreambuf_iterator<char>(in), {}};
    std::ofstream(tmp / "truncated.gguf", std::ios::binary) << good.substr(0, good.size() / 2);
  }
  ServerProcess d(dispatcher_args({"-m", edge_model(), "-a", "edge"}));
  const auto greedy = [&] {
    const auto r = post(d.url(), "/v1/chat/completions", story_chat("edge", {{"max_tokens", 24}}));
    return r.status == 200 ? answer_text(r, false) : "status " + std::to_string(r.status);
  };
  const std::string before = greedy();
  ASSERT_EQ(before.rfind("status", 0), std::string::npos) << before;

  // A request's keep_alive does not unload the only model of a -m node.
  ASSERT_EQ(post(d.url(), "/v1/chat/completions", story_chat("edge", {{"keep_alive", 0}})).status,
            200);
  EXPECT_EQ(state_of(d.url(), "edge"), "loaded");

  // A corrupt file fails its load; the old model keeps answering, /health says why.
  auto r = post(d.url(), "/v1/tandem/models/edge/swap",
                json{{"path", (tmp / "truncated.gguf").string()}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "model_load_failed") << r.body;
  EXPECT_EQ(greedy(), before);
  json health = get(d.url(), "/health").j();
  EXPECT_EQ(health["status"], "ok") << health.dump();
  EXPECT_TRUE(health.contains("commander")) << "the edge model's own health: " << health.dump();
  EXPECT_EQ(health["models"]["models"][0]["last_swap"]["ok"], false) << health.dump();

  // Another edge model passes the self-test and answers from then on.
  r = post(d.url(), "/v1/tandem/models/edge/swap", json{{"path", weak_file()}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["ok"], true);
  const std::string after = greedy();
  EXPECT_NE(after, before);
  EXPECT_EQ(after.rfind("status", 0), std::string::npos) << after;

  // SIGHUP re-reads -m: the swap back to it, through the self-test.
  ASSERT_EQ(::kill(d.pid(), SIGHUP), 0);
  bool reloaded = false;
  for (int i = 0; i < 300 && !reloaded; ++i) {
    reloaded = d.log().find("SIGHUP: 'edge' reloaded") != std::string::npos;
    if (!reloaded) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(reloaded) << d.log();
  EXPECT_EQ(greedy(), before);
  EXPECT_TRUE(d.running());
}

}  // namespace
}  // namespace tandem::test
