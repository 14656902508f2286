// A server stopped right after start() (the Commander whose model fails to load) must stop:
// httplib's stop() is a no-op until its listen loop runs, so start() waits for the loop.
// Before that fix the Commander hung at exit about once in a few hundred starts.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "http/http_server.h"
#include "http/metrics.h"

namespace tandem::http {
namespace {

TEST(ApiServerLifecycle, StopRightAfterStartReturns) {
  auto run = std::async(std::launch::async, [] {
    for (int i = 0; i < 50; ++i) {
      Metrics metrics;
      HttpOptions o;
      o.host = "127.0.0.1";
      o.port = 0;
      ApiServer api(o, metrics);
      api.start();
      api.stop();
    }
  });
  ASSERT_EQ(run.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "a server stopped right after start() is still listening";
  run.get();
}

}  // namespace
}  // namespace tandem::http
