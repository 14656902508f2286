// The memory guard in a real `tandem commander`, with the memory it sees injected through
// --meminfo (a file this test rewrites): under the floor it drops the idle verify sessions
// (real KV memory), and when that is not enough new work gets 503 + Retry-After instead of the
// process growing into the OOM killer; /metrics and /health say so; relief restores service.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

void set_available_mib(const std::string& path, uint64_t mib) {
  std::ofstream(path) << "MemTotal: 16000000 kB\nMemAvailable: " << mib * 1024 << " kB\n";
}

json chat(const std::string& text) {
  return {{"messages", json::array({{{"role", "user"}, {"content", text}}})},
          {"max_tokens", 8},
          {"temperature", 0}};
}

TEST(CommanderMemoryGuard, DropsIdleSessionsThenShedsNewWorkAndRecovers) {
  const std::string meminfo = unique_temp_dir() + "/meminfo";
  set_available_mib(meminfo, 4000);
  ServerProcess c({"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1", "-c", "256",
                   "--min-free-mib", "500", "--meminfo", meminfo});
  const json verify = {{"session_id", "s1"},
                       {"reset", true},
                       {"append", std::vector<int>{1, 403, 407, 261}},
                       {"draft", json::array()},
                       {"temperature", 0}};
  auto r = post(c.url(), "/v1/tandem/verify", verify);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(post(c.url(), "/v1/chat/completions", chat("Once upon a time")).status, 200);
  EXPECT_EQ(get(c.url(), "/health").j()["memory"]["pressure"], false);

  set_available_mib(meminfo, 100);  // under the 500 MiB floor
  r = post(c.url(), "/v1/chat/completions", chat("Once upon a time"));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "memory_pressure") << r.body;
  EXPECT_GE(r.headers.count("Retry-After"), 1u);
  const std::string metrics = get(c.url(), "/metrics").body;
  EXPECT_NE(metrics.find("tandem_memory_pressure 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tandem_memory_evictions_total 1"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("tandem_memory_freed_bytes_total 0\n"), std::string::npos) << metrics;
  const auto health = get(c.url(), "/health").j();
  EXPECT_EQ(health["status"], "degraded");
  EXPECT_EQ(health["memory"]["pressure"], true);
  EXPECT_TRUE(c.running());

  set_available_mib(meminfo, 4000);  // relief
  ASSERT_EQ(post(c.url(), "/v1/chat/completions", chat("Once upon a time")).status, 200);
  // The session was dropped: the client is told to re-send its context.
  r = post(c.url(), "/v1/tandem/verify",
           json{{"session_id", "s1"}, {"append", std::vector<int>{262}}, {"draft", json::array()}});
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "session_not_found");
  EXPECT_EQ(get(c.url(), "/health").j()["status"], "ok");
}

}  // namespace
}  // namespace tandem::test
