// Upstream mode: a Commander forwarding to a second Commander gives the same answers,
// streams pass through, the upstream key is sent, upstream errors keep their status.
#include <gtest/gtest.h>

#include <memory>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

class Upstream : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1",
                                 "--api-key", "sk-up", "--model-alias", "tiny"});
    proxy_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "--upstream", engine_->url() + "/v1",
                                 "--upstream-key", "sk-up", "--api-key", "sk-front"});
    keyless_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "--upstream", engine_->url()});
  }
  static void TearDownTestSuite() {
    keyless_.reset();
    proxy_.reset();
    engine_.reset();
  }
  static std::unique_ptr<ServerProcess> engine_, proxy_, keyless_;
};
std::unique_ptr<ServerProcess> Upstream::engine_, Upstream::proxy_, Upstream::keyless_;

const json kReq = {
    {"model", "tiny"}, {"prompt", "Once upon a time"}, {"max_tokens", 20}, {"temperature", 0}};

TEST_F(Upstream, NonStreamingMatchesTheEngine) {
  auto direct = post(engine_->url(), "/v1/completions", kReq, "sk-up");
  auto proxied = post(proxy_->url(), "/v1/completions", kReq, "sk-front");
  ASSERT_EQ(direct.status, 200) << direct.body;
  ASSERT_EQ(proxied.status, 200) << proxied.body;
  EXPECT_EQ(proxied.j()["choices"][0]["text"], direct.j()["choices"][0]["text"]);
  auto models = get(proxy_->url(), "/v1/models", "sk-front");
  ASSERT_EQ(models.status, 200);
  EXPECT_EQ(models.j()["data"][0]["id"], "tiny");
}

TEST_F(Upstream, StreamingPassesThrough) {
  json chat = {{"model", "tiny"},
               {"messages", {{{"role", "user"}, {"content", "Lily"}}}},
               {"max_tokens", 16},
               {"temperature", 0}};
  const std::string whole = post(engine_->url(), "/v1/chat/completions", chat, "sk-up")
                                .j()["choices"][0]["message"]["content"];
  chat["stream"] = true;
  auto r = post(proxy_->url(), "/v1/chat/completions", chat, "sk-front");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ev = sse_data(r.body);
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back(), "[DONE]");
  std::string text;
  for (size_t i = 0; i + 1 < ev.size(); ++i) {
    const json c = json::parse(ev[i]);
    text += c["choices"][0]["delta"].value("content", "");
  }
  EXPECT_EQ(text, whole);
}

TEST_F(Upstream, ErrorsKeepTheirStatusAndShape) {
  // The proxy's own key is checked first.
  auto r = post(proxy_->url(), "/v1/completions", kReq, "sk-wrong");
  EXPECT_EQ(r.status, 401);
  // Without the upstream key, the upstream's 401 comes back as it is.
  r = post(keyless_->url(), "/v1/completions", kReq);
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(is_openai_error(r.body)) << r.body;
  json bad = kReq;
  bad["model"] = "nope";
  r = post(proxy_->url(), "/v1/completions", bad, "sk-front");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(is_openai_error(r.body)) << r.body;
  r = post(proxy_->url(), "/v1/completions", std::string("{oops"), "sk-front");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(is_openai_error(r.body)) << r.body;
}

TEST(UpstreamDown, UnreachableUpstreamIs502) {
  const int port = free_loopback_port();  // nothing listens there
  ServerProcess proxy({"commander", "--upstream", "http://127.0.0.1:" + std::to_string(port)});
  auto r = post(proxy.url(), "/v1/completions", kReq);
  EXPECT_EQ(r.status, 502);
  EXPECT_TRUE(is_openai_error(r.body)) << r.body;
  EXPECT_EQ(get(proxy.url(), "/health").status, 200);
}

}  // namespace
}  // namespace tandem::test
