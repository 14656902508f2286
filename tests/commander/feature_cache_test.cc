// The named feature cache through a real `tandem commander --cache-dir`: a chat carrying
// extra_body.cache stores its prompt's KV; GET /v1/cache lists it (and by tag); the entry
// survives the server being killed (SIGKILL) and started again, and a later question after the same
// system prompt reuses it (usage cached_tokens) with the answer a cache-less server gives;
// DELETE removes it; a TTL expires it; a corrupted file is dropped at start, with a log line.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

namespace fs = std::filesystem;

const std::string kSystem =
    "You tell short stories for children. Once upon a time, there was a little girl who lived "
    "in a small house near the woods. She had a red ball and a big brown dog. Every day they "
    "played in the garden and looked at the birds in the tall trees.";

json ask(const std::string& question, json cache = nullptr) {
  json b = {{"messages", json::array({{{"role", "system"}, {"content", kSystem}},
                                      {{"role", "user"}, {"content", question}}})},
            {"max_tokens", 24},
            {"temperature", 0}};
  if (!cache.is_null()) b["cache"] = cache;
  return b;
}

int64_t cached_tokens(const HttpReply& r) {
  return r.j()["usage"]["prompt_tokens_details"]["cached_tokens"].get<int64_t>();
}

std::vector<std::string> commander(const std::string& dir) {
  return {"commander",   "-m", stories("stories260K-f32.gguf"), "-t", "1", "-np", "1", "-c", "512",
          "--cache-dir", dir};
}

TEST(CommanderFeatureCache, StoresListsSurvivesARestartAndReuses) {
  const std::string dir = unique_temp_dir() + "/kv";
  const json named = {{"id", "garden"}, {"ttl", 600}, {"tags", {"story", "kids"}}};
  {
    ServerProcess s(commander(dir));
    auto r = post(s.url(), "/v1/chat/completions", ask("One day the dog", named));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(cached_tokens(r), 0);
    const json list = get(s.url(), "/v1/cache").j();
    ASSERT_EQ(list["data"].size(), 1u) << list;
    const json& e = list["data"][0];
    EXPECT_EQ(e["id"], "garden");
    EXPECT_EQ(e["tags"], json({"story", "kids"}));
    EXPECT_GT(e["tokens"].get<int>(), 40);
    EXPECT_GT(e["bytes"].get<int64_t>(), 0);
    EXPECT_EQ(e["on_disk"], true);
    EXPECT_GT(e["expires_at"].get<int64_t>(), e["created_at"].get<int64_t>() + 590);
    EXPECT_EQ(get(s.url(), "/v1/cache?tag=kids").j()["data"].size(), 1u);
    EXPECT_EQ(get(s.url(), "/v1/cache?tag=none").j()["data"].size(), 0u);
    s.kill_now();  // nothing is written at exit: the entry was on disk when it was listed
  }
  ServerProcess again(commander(dir));
  json list = get(again.url(), "/v1/cache").j();
  ASSERT_EQ(list["data"].size(), 1u) << list;
  EXPECT_EQ(list["data"][0]["in_memory"], false);
  // Another question after the same system prompt: the named entry's start is reused.
  auto r = post(again.url(), "/v1/chat/completions",
                ask("The girl was sad because", {{"id", "garden"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(cached_tokens(r), 40) << r.body;
  EXPECT_EQ(get(again.url(), "/v1/cache").j()["data"][0]["hits"], 1);
  ServerProcess plain({"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1", "-c", "512",
                       "--cache-ram", "0"});
  const auto want = post(plain.url(), "/v1/chat/completions", ask("The girl was sad because"));
  ASSERT_EQ(want.status, 200);
  EXPECT_EQ(r.j()["choices"][0]["message"], want.j()["choices"][0]["message"]);
  const std::string metrics = get(again.url(), "/metrics").body;
  EXPECT_NE(metrics.find("tandem_feature_cache_hits_total 1"), std::string::npos) << metrics;
  EXPECT_TRUE(get(again.url(), "/health").j()["cache"].contains("feature_cache"));

  EXPECT_EQ(del(again.url(), "/v1/cache/garden").status, 200);
  const auto gone = del(again.url(), "/v1/cache/garden");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.j()["error"]["code"], "cache_entry_not_found");
  EXPECT_TRUE(get(again.url(), "/v1/cache").j()["data"].empty());
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(CommanderFeatureCache, TtlExpiresAndACorruptFileIsDropped) {
  const std::string dir = unique_temp_dir() + "/kv";
  {
    ServerProcess s(commander(dir));
    // An entry lives at least its ttl (whole seconds), at most one second more.
    ASSERT_EQ(
        post(s.url(), "/v1/chat/completions", ask("One day the dog", {{"id", "brief"}, {"ttl", 2}}))
            .status,
        200);
    EXPECT_EQ(get(s.url(), "/v1/cache").j()["data"].size(), 1u);
    ASSERT_EQ(post(s.url(), "/v1/chat/completions", ask("Then", {{"id", "kept"}})).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(3100));
    const json list = get(s.url(), "/v1/cache").j();
    ASSERT_EQ(list["data"].size(), 1u) << list;
    EXPECT_EQ(list["data"][0]["id"], "kept");
    // Malformed fields are 400s naming the field.
    auto bad = post(s.url(), "/v1/chat/completions", ask("x", "garden"));
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.j()["error"]["param"], "cache") << bad.body;
    bad = post(s.url(), "/v1/chat/completions", ask("x", {{"tags", {"a"}}, {"ttl", 5}}));
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.j()["error"]["param"], "cache.ttl") << bad.body;
    s.stop();
  }
  for (const auto& f : fs::directory_iterator(dir)) {
    std::fstream io(f.path(), std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(-64, std::ios::end);
    io.put('\x5a');
  }
  ServerProcess again(commander(dir));
  EXPECT_TRUE(get(again.url(), "/v1/cache").j()["data"].empty());
  EXPECT_NE(again.log().find("dropping"), std::string::npos) << again.log();
  // The request naming it stores it afresh, and nothing it answers comes from the bad file.
  auto r = post(again.url(), "/v1/chat/completions", ask("Then", {{"id", "kept"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(cached_tokens(r), 0);
}

}  // namespace
}  // namespace tandem::test
