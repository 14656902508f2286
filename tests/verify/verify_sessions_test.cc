// Verification sessions: the store's count/byte budgets, LRU order and TTL, and the service
// evicting other sessions when one exceeds the byte budget.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "http/api_error.h"
#include "spec/target_session.h"
#include "support/spec_models.h"
#include "verify/verify_service.h"
#include "verify/verify_sessions.h"

namespace tandem::spec {
namespace {

using nlohmann::json;
using test::greedy_params;
using test::spec_target;

std::vector<TokenId> prompt_ids(const std::string& text) {
  return spec_target().tokenizer().encode(text, true, false);
}

TEST(VerifySessions, CountBudgetLruAndTtl) {
  const auto& m = spec_target();
  auto make = [&] { return std::make_unique<TargetSession>(m, greedy_params(), 512); };
  using C = verify::VerifySessionStore::Clock;
  const auto t0 = C::now();
  verify::VerifySessionStore store({/*max_sessions=*/2, /*max_bytes=*/size_t{1} << 30, 10.0});
  store.create("a", make(), t0);
  store.create("b", make(), t0);
  ASSERT_NE(store.find("a", t0 + std::chrono::seconds(1)), nullptr);  // a is now most recent
  store.create("c", make(), t0 + std::chrono::seconds(2));            // evicts b (LRU)
  EXPECT_EQ(store.find("b", t0 + std::chrono::seconds(2)), nullptr);
  EXPECT_NE(store.find("a", t0 + std::chrono::seconds(2)), nullptr);
  EXPECT_NE(store.find("c", t0 + std::chrono::seconds(2)), nullptr);
  EXPECT_EQ(store.find("a", t0 + std::chrono::seconds(30)), nullptr);  // idle past the TTL
  EXPECT_EQ(store.size(), 0u);
}

TEST(VerifySessions, ByteBudgetEvictsOthers) {
  verify::VerifyOptions vo;
  vo.threads = 2;
  vo.sessions.max_bytes = 1;  // any session's KV exceeds it: only the one in use survives
  verify::VerifyService svc(spec_target(), vo);
  const auto prompt = prompt_ids("Once upon a time");
  json a = {{"session_id", "a"}, {"reset", true}, {"append", prompt}, {"temperature", 0}};
  json b = a;
  b["session_id"] = "b";
  svc.verify(a);
  svc.verify(b);
  EXPECT_EQ(svc.n_sessions(), 1u);
  try {
    svc.verify(json{{"session_id", "a"}, {"append", std::vector<int>{1}}});
    FAIL() << "evicted session answered";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 404);
    EXPECT_EQ(e.code, "session_not_found");
  }
}

}  // namespace
}  // namespace tandem::spec
