// Hot swap (POST /v1/tandem/models/{id}/swap, SIGHUP) through a real `tandem commander` and
// real sockets: a swap under 32 streaming clients drops nothing and switches new requests;
// corrupt, foreign, mismatched or self-test-failing files leave the old model serving, with
// the reason in the answer and /health.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

namespace fs = std::filesystem;

const std::string kId = "story";
// stories260K-f32.gguf's digest (models/stories260K/README.md).
const std::string kStoriesSha = "047bf46455a544931cff6fef14d7910154c56afbc23ab1c5e56a72e69912c04b";

std::string stories_file() {
  return stories("stories260K-f32.gguf");
}
std::string weak_file() {
  return shared("models/weak281K/weak281K-f32.gguf");
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(unique_temp_dir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A models dir whose one model, "story", is stories260K.
std::string models_dir(const std::string& name) {
  const fs::path dir = fresh_dir(name);
  fs::create_symlink(stories_file(), dir / (kId + ".gguf"));
  return dir.string();
}

std::vector<std::string> server_args(const std::string& dir) {
  return {"commander", "--models-dir", dir, "-t",      "1",  "-c",
          "128",       "--parallel",   "8", "--queue", "256"};
}

std::string greedy(const std::string& url, const std::string& key = "") {
  const json b = {{"model", kId},
                  {"messages", json::array({{{"role", "user"}, {"content", "Once upon a time"}}})},
                  {"max_tokens", 48},
                  {"temperature", 0}};
  const auto r = post(url, "/v1/chat/completions", b, key);
  if (r.status != 200) return "status " + std::to_string(r.status) + ": " + r.body;
  return r.j()["choices"][0]["message"]["content"];
}

HttpReply swap(const std::string& url, json body, const std::string& key = "") {
  return post(url, "/v1/tandem/models/" + kId + "/swap", body, key);
}

json last_swap(const std::string& url) {
  const json health = get(url, "/health").j();  // kept: the loop below points into it
  for (const auto& m : health["models"]["models"])
    if (m["id"] == kId) return m.value("last_swap", json::object());
  return json::object();
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(CommanderHotSwap, SwapUnder32StreamingClientsDropsNothing) {
  ServerProcess c(server_args(models_dir("swap-load")));
  const std::string before = greedy(c.url());
  ASSERT_EQ(before.rfind("status", 0), std::string::npos) << before;

  std::atomic<bool> stop{false};
  std::atomic<int> completed{0};
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::thread> clients;
  for (int i = 0; i < 32; ++i)
    clients.emplace_back([&, i] {
      for (int n = 0; !stop; ++n) {
        const json b = {
            {"model", kId},
            {"messages",
             json::array({{{"role", "user"}, {"content", "Tell " + std::to_string(i)}}})},
            {"max_tokens", 8},
            {"temperature", 0.8},
            {"seed", i * 1000 + n},
            {"stream", true}};
        const auto r = post(c.url(), "/v1/chat/completions", b);
        const auto ev = r.status == 200 ? sse_data(r.body) : std::vector<std::string>{};
        if (r.status != 200 || ev.empty() || ev.back() != "[DONE]") {
          std::lock_guard lock(mu);
          errors.push_back("status " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
        } else {
          ++completed;
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int before_swap = completed;
  const auto r = swap(c.url(), {{"path", weak_file()}});
  std::this_thread::sleep_for(std::chrono::seconds(1));
  stop = true;
  for (auto& t : clients) t.join();

  ASSERT_EQ(r.status, 200) << r.body << c.log();
  EXPECT_EQ(r.j()["ok"], true) << r.body;
  EXPECT_GT(r.j()["self_test"]["ppl"].get<double>(), 1.0) << r.body;
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  EXPECT_GT(before_swap, 0);
  EXPECT_GT(completed.load(), before_swap) << "no stream completed after the swap started";

  // New requests go to the new model; swapping back restores the old answers.
  const std::string after = greedy(c.url());
  EXPECT_NE(after, before);
  const json ls = last_swap(c.url());
  EXPECT_EQ(ls["ok"], true) << ls.dump();
  EXPECT_EQ(ls["path"], weak_file()) << ls.dump();
  // stories260K is the stronger model: within 1x of weak281K's perplexity.
  const auto back = swap(c.url(), {{"path", stories_file()}, {"max_ppl_ratio", 1.0}});
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(greedy(c.url()), before);
}

TEST(CommanderHotSwap, FailedSwapsKeepTheOldModelServing) {
  const fs::path tmp = fresh_dir("swap-bad");
  const std::string good = read_bytes(stories_file());
  write_bytes(tmp / "truncated.gguf", good.substr(0, good.size() / 2));
  // The same file claiming an architecture Tandem does not have.
  std::string foreign = good;
  const auto key = foreign.find("general.architecture");
  ASSERT_NE(key, std::string::npos);
  const auto val = foreign.find("llama", key + 20);
  ASSERT_LT(val, key + 40);
  foreign.replace(val, 5, "mamba");
  write_bytes(tmp / "foreign.gguf", foreign);

  ServerProcess c(server_args(models_dir("swap-fail")));
  const std::string before = greedy(c.url());
  ASSERT_EQ(before.rfind("status", 0), std::string::npos) << before;

  struct Case {
    json body;
    std::string code, check;
  };
  const std::vector<Case> cases = {
      {{{"path", (tmp / "truncated.gguf").string()}}, "model_load_failed", ""},
      {{{"path", (tmp / "foreign.gguf").string()}}, "model_load_failed", ""},
      {{{"path", weak_file()}, {"expect_greedy", "not what it says"}},
       "self_test_failed",
       "greedy"},
      {{{"path", weak_file()}, {"max_ppl", 1.5}}, "self_test_failed", "perplexity"},
      {{{"path", weak_file()}, {"timeout_s", 1e-6}}, "self_test_failed", "time_limit"},
      // weak281K is the weaker model: more perplexed than stories260K by the built-in text.
      {{{"path", weak_file()}, {"max_ppl_ratio", 1.0}}, "self_test_failed", "perplexity"},
  };
  for (const auto& k : cases) {
    const auto r = swap(c.url(), k.body);
    EXPECT_EQ(r.status, 422) << k.body.dump() << " -> " << r.body;
    const json j = r.j();
    EXPECT_EQ(j["error"]["code"], k.code) << r.body;
    if (!k.check.empty()) {
      EXPECT_EQ(j["error"]["check"], k.check) << r.body;
    }
    EXPECT_NE(j["swap"]["serving"].get<std::string>().find("story.gguf"), std::string::npos)
        << r.body;
    EXPECT_EQ(greedy(c.url()), before) << "after " << k.body.dump();
    const json ls = last_swap(c.url());
    EXPECT_EQ(ls["ok"], false) << ls.dump();
    EXPECT_EQ(ls["reason"].get<std::string>().rfind(k.code, 0), 0u) << ls.dump();
  }
  EXPECT_NE(c.log().find("swap of 'story'"), std::string::npos);  // the warning line

  // Bad bodies and ids.
  EXPECT_EQ(post(c.url(), "/v1/tandem/models/story/swap", std::string("{nope")).status, 400);
  EXPECT_EQ(swap(c.url(), {{"path", 3}}).status, 400);
  EXPECT_EQ(swap(c.url(), {{"path", (tmp / "missing.gguf").string()}}).status, 400);
  EXPECT_EQ(swap(c.url(), {{"path", weak_file()}, {"sha256", "abc"}}).status, 400);
  EXPECT_EQ(swap(c.url(), {{"path", weak_file()}, {"max_ppl_ratio", 0.5}}).status, 400);
  EXPECT_EQ(post(c.url(), "/v1/tandem/models/nope/swap", json{{"path", weak_file()}}).status, 404);
  EXPECT_EQ(greedy(c.url()), before);
}

TEST(CommanderHotSwap, ChecksumsAreCheckedAndTheKeyIsRequired) {
  const fs::path tmp = fresh_dir("swap-sha");
  ServerProcess c([&] {
    auto a = server_args(models_dir("swap-sha-models"));
    a.insert(a.end(), {"--api-key", "k"});
    return a;
  }());
  EXPECT_EQ(swap(c.url(), {{"path", weak_file()}}).status, 401);

  const std::string zeros(64, '0');
  auto r = swap(c.url(), {{"path", weak_file()}, {"sha256", zeros}}, "k");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "checksum_mismatch") << r.body;

  // A sidecar in sha256sum's format is checked without a sha256 in the body.
  fs::copy_file(weak_file(), tmp / "weak.gguf");
  std::ofstream(tmp / "weak.gguf.sha256") << zeros << "  weak.gguf\n";
  r = swap(c.url(), {{"path", (tmp / "weak.gguf").string()}}, "k");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "checksum_mismatch") << r.body;
  EXPECT_EQ(last_swap(c.url())["ok"], false);

  r = swap(c.url(), {{"path", stories_file()}, {"sha256", kStoriesSha}}, "k");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["sha256"], kStoriesSha) << r.body;
}

TEST(CommanderHotSwap, SighupPicksUpNewFilesAndReloadsTheStartModel) {
  const std::string dir = models_dir("swap-hup");
  ServerProcess c([&] {
    auto a = server_args(dir);
    a.insert(a.end(), {"-m", stories_file(), "-a", "start"});
    return a;
  }());
  fs::create_symlink(weak_file(), fs::path(dir) / "newcomer.gguf");
  ASSERT_EQ(::kill(c.pid(), SIGHUP), 0);
  bool listed = false;
  for (int i = 0; i < 200 && !listed; ++i) {
    const json models = get(c.url(), "/v1/models").j();
    for (const auto& m : models["data"]) listed |= m["id"] == "newcomer";
    if (!listed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(listed) << c.log();
  const auto r = post(c.url(), "/v1/completions",
                      json{{"model", "newcomer"}, {"prompt", "Once"}, {"max_tokens", 4}});
  EXPECT_EQ(r.status, 200) << r.body;
  // -m goes through the swap and its self-test again.
  bool reloaded = false;
  for (int i = 0; i < 200 && !reloaded; ++i) {
    reloaded = c.log().find("SIGHUP: 'start' reloaded") != std::string::npos;
    if (!reloaded) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(reloaded) << c.log();
  EXPECT_TRUE(c.running());
}

// A Commander started with -m alone is a registry of one model: swap, rollback and SIGHUP
// work there as with --models-dir, and /v1/models and /health keep their single-model fields.
TEST(CommanderHotSwap, PlainModelCommanderSwapsAndReloads) {
  ServerProcess c({"commander", "-m", stories_file(), "-a", kId, "-t", "1", "-c", "128"});
  const std::string before = greedy(c.url());
  ASSERT_EQ(before.rfind("status", 0), std::string::npos) << before;
  const json models = get(c.url(), "/v1/models").j();
  ASSERT_EQ(models["data"].size(), 1u) << models.dump();
  EXPECT_EQ(models["data"][0]["id"], kId);
  EXPECT_EQ(models["data"][0]["state"], "loaded");
  EXPECT_TRUE(models["data"][0].contains("context_length")) << models.dump();
  const json health = get(c.url(), "/health").j();
  EXPECT_TRUE(health.contains("memory") && health.contains("cache")) << health.dump();

  auto r = swap(c.url(), {{"path", weak_file()}, {"max_ppl_ratio", 1.0}});
  EXPECT_EQ(r.status, 422) << r.body;  // weaker than stories260K on the built-in text
  EXPECT_EQ(greedy(c.url()), before);
  EXPECT_EQ(last_swap(c.url())["ok"], false);
  r = swap(c.url(), {{"path", weak_file()}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(greedy(c.url()), before);

  ASSERT_EQ(::kill(c.pid(), SIGHUP), 0);  // -m again, through the self-test
  bool reloaded = false;
  for (int i = 0; i < 200 && !reloaded; ++i) {
    reloaded = c.log().find("SIGHUP: 'story' reloaded") != std::string::npos;
    if (!reloaded) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(reloaded) << c.log();
  EXPECT_EQ(greedy(c.url()), before);
}

}  // namespace
}  // namespace tandem::test
