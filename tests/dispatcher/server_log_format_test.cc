// --log-format json on the real servers: every line either prints is one JSON object (the
// startup lines, the model load, warnings about the Commander, the access lines, the shutdown),
// and no prompt text reaches the log at the default level.
#include <gtest/gtest.h>

#include <sstream>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

void expect_json_lines(const std::string& log, const char* who) {
  std::istringstream in(log);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    ++n;
    const json j = json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << who << " wrote a line that is not JSON: " << line;
    if (!j.is_discarded()) {
      EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("msg")) << line;
    }
  }
  EXPECT_GE(n, 4) << who << ":\n" << log;
}

TEST(ServerLogs, JsonFormatMeansEveryLineIsJson) {
  const std::string secret = "13800000000";
  ServerProcess commander({"commander", "-m", edge_model(), "-t", "1", "--log-format", "json"});
  ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander", commander.url(),
                      "--intent-model", "none", "--log-format", "json"});
  for (bool stream : {false, true}) {
    const auto r = post(disp.url(), "/v1/chat/completions",
                        chat("Once upon a time, my number is " + secret, 8, stream));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  ServerProcess offline({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                         "http://127.0.0.1:9", "--intent-model", "none", "--log-format", "json"});
  ASSERT_EQ(post(offline.url(), "/v1/chat/completions", chat("Hello", 4)).status, 200);
  disp.stop();
  commander.stop();
  offline.stop();
  expect_json_lines(commander.log(), "commander");
  expect_json_lines(disp.log(), "dispatcher");
  expect_json_lines(offline.log(), "dispatcher (offline)");
  EXPECT_NE(offline.log().find("unreachable"), std::string::npos) << offline.log();
  for (const auto* p : {&commander, &disp})
    EXPECT_EQ(p->log().find(secret), std::string::npos) << p->log();
}

}  // namespace
}  // namespace tandem::test
