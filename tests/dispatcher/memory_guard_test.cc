// The Dispatcher's memory guard, with the memory it sees injected through --meminfo: under
// the floor a request the edge would answer goes to the Commander (route cloud, reason
// "offload:memory") instead; one that cannot leave the device (privacy) or has no Commander to go
// to gets 503 + Retry-After; relief brings the edge back.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

void set_available_mib(const std::string& path, uint64_t mib) {
  std::ofstream(path) << "MemTotal: 16000000 kB\nMemAvailable: " << mib * 1024 << " kB\n";
}

const char* kEdgeFirst = "[routing]\ncloud_intents = []\n[privacy]\nphone = \"local\"\n";

TEST(DispatcherMemoryGuard, OffloadsUnderPressureRefusesWhatCannotLeaveAndRecovers) {
  const std::string meminfo = unique_temp_dir() + "/meminfo";
  set_available_mib(meminfo, 4000);
  TempFile policy("memory-policy", kEdgeFirst);
  ServerProcess commander({"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1"});
  ServerProcess disp({"dispatcher", "-m", stories("stories260K-f32.gguf"), "-t", "1", "--commander",
                      commander.url(), "--intent-model", intent_model(), "--policy", policy.path,
                      "--min-free-mib", "500", "--meminfo", meminfo});
  auto r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");

  set_available_mib(meminfo, 100);
  r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:memory"))
      << header(r, "x-tandem-reason");
  const auto route = post(disp.url(), "/v1/route", chat("Once upon a time"));
  EXPECT_EQ(route.j()["reason"], "offload:memory") << route.body;
  // A phone number the policy keeps on the device: nowhere to go.
  r = post(disp.url(), "/v1/chat/completions", chat("call me at 13812345678"));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "memory_pressure");
  EXPECT_FALSE(header(r, "retry-after").empty() && header(r, "Retry-After").empty());
  const auto health = get(disp.url(), "/health").j();
  EXPECT_EQ(health["status"], "degraded");
  EXPECT_EQ(health["memory"]["pressure"], true);
  EXPECT_NE(get(disp.url(), "/metrics").body.find("tandem_memory_pressure 1"), std::string::npos);

  // No Commander either: refused, and the process is still there.
  commander.stop();
  r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time"));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_TRUE(disp.running());

  set_available_mib(meminfo, 4000);
  r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
}

void set_available_kib(const std::string& path, uint64_t kib) {
  std::ofstream(path) << "MemTotal: 16000000 kB\nMemAvailable: " << kib << " kB\n";
}

// Above the floor, but not by enough for the KV a request would fill (prompt + max_tokens
// positions, or the whole context when max_tokens is not given): offloaded as offload:memory,
// or refused when it cannot leave.
TEST(DispatcherMemoryGuard, ProjectedKvUnderTheFloorIsOffloaded) {
  const std::string meminfo = unique_temp_dir() + "/meminfo";
  const uint64_t floor_kib = 500 * 1024;
  set_available_kib(meminfo, 4000 * 1024);
  TempFile policy("memory-policy", kEdgeFirst);
  ServerProcess commander({"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1"});
  ServerProcess disp({"dispatcher", "-m", stories("stories260K-f32.gguf"), "-t", "1", "-c", "256",
                      "--commander", commander.url(), "--intent-model", intent_model(), "--policy",
                      policy.path, "--min-free-mib", "500", "--meminfo", meminfo});
  auto kv = [&](int max_tokens) {
    const json j = post(disp.url(), "/v1/route", chat("Once upon a time", max_tokens)).j();
    EXPECT_EQ(j["signals"]["memory_floor"], floor_kib * 1024) << j.dump();
    return j["signals"]["kv_bytes"].get<uint64_t>();
  };
  const uint64_t small = kv(8), large = kv(200);
  ASSERT_GT(small, 0u);
  ASSERT_GT(large, small);
  // Room for the short answer's KV, not for the long one's.
  set_available_kib(meminfo, floor_kib + (small + large) / 2 / 1024);
  auto r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time", 8));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge") << header(r, "x-tandem-reason");
  r = post(disp.url(), "/v1/chat/completions", chat("Once upon a time", 200));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:memory: projected KV"))
      << header(r, "x-tandem-reason");
  EXPECT_EQ(post(disp.url(), "/v1/route", chat("Once upon a time", 200)).j()["reason"],
            "offload:memory");
  // Kept on the device by privacy: nowhere to go.
  r = post(disp.url(), "/v1/chat/completions", chat("call me at 13812345678", 200));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "memory_pressure");
  EXPECT_NE(r.body.find("projected KV"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace tandem::test
