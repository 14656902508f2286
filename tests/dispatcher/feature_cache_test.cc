// The Dispatcher's edge caches through a real process: a chat with extra_body.cache stores
// its prompt (GET /v1/cache), a later question after the same system prompt reuses it, and
// under memory pressure (an injected meminfo) the guard moves the named entries' RAM tier to
// disk and empties the RAM prompt cache before anything else, and answers still come.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const char* kEdgeOnly = "[routing]\ncloud_intents = []\n";

const std::string kSystem =
    "You tell short stories for children. Once upon a time, there was a little girl who lived "
    "in a small house near the woods. She had a red ball and a big brown dog.";

json ask(const std::string& question, json cache = nullptr) {
  json b = {{"messages", json::array({{{"role", "system"}, {"content", kSystem}},
                                      {{"role", "user"}, {"content", question}}})},
            {"max_tokens", 16},
            {"temperature", 0}};
  if (!cache.is_null()) b["cache"] = cache;
  return b;
}

void set_available_mib(const std::string& path, uint64_t mib) {
  std::ofstream(path) << "MemTotal: 16000000 kB\nMemAvailable: " << mib * 1024 << " kB\n";
}

TEST(DispatcherFeatureCache, StoresReusesAndSpillsUnderPressure) {
  const std::string tmp = unique_temp_dir();
  const std::string meminfo = tmp + "/meminfo";
  set_available_mib(meminfo, 4000);
  TempFile policy("cache-policy", kEdgeOnly);
  ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "-np", "1", "--commander",
                      "http://127.0.0.1:9", "--intent-model", intent_model(), "--policy",
                      policy.path, "--cache-dir", tmp + "/kv", "--meminfo", meminfo});
  auto r = post(disp.url(), "/v1/chat/completions", ask("One day", {{"id", "story"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
  json list = get(disp.url(), "/v1/cache").j();
  ASSERT_EQ(list["data"].size(), 1u) << list;
  EXPECT_EQ(list["data"][0]["in_memory"], true);
  // An unrelated prompt takes the only slot (the story's KV goes to the RAM prompt cache)...
  ASSERT_EQ(post(disp.url(), "/v1/chat/completions", chat("Tom had a kite")).status, 200);
  EXPECT_EQ(get(disp.url(), "/health").j()["cache"]["prompt_cache"]["entries"], 1);
  // ... and the named entry brings the system prompt back.
  r = post(disp.url(), "/v1/chat/completions", ask("The dog ran", {{"id", "story"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(r.j()["usage"]["prompt_tokens_details"]["cached_tokens"].get<int>(), 20) << r.body;

  set_available_mib(meminfo, 100);
  r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time"));
  EXPECT_NE(r.status, 500) << r.body;
  list = get(disp.url(), "/v1/cache").j();
  ASSERT_EQ(list["data"].size(), 1u) << list;
  EXPECT_EQ(list["data"][0]["in_memory"], false) << "the RAM tier went to disk";
  EXPECT_EQ(list["data"][0]["on_disk"], true);
  EXPECT_EQ(list["prompt_cache"]["entries"], 0);
  EXPECT_GT(get(disp.url(), "/health").j()["memory"]["evictions"].get<int>(), 0);

  set_available_mib(meminfo, 4000);
  r = post(disp.url(), "/v1/chat/completions", ask("The girl", {{"id", "story"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(r.j()["usage"]["prompt_tokens_details"]["cached_tokens"].get<int>(), 20) << r.body;
  EXPECT_EQ(del(disp.url(), "/v1/cache/story").status, 200);
  EXPECT_EQ(del(disp.url(), "/v1/cache/story").status, 404);
}

}  // namespace
}  // namespace tandem::test
