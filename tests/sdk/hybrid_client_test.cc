// The hybrid client through the C ABI (tandem_client), against a real `tandem commander` on
// stories260K: Commander up -> the reply comes from the cloud (masked on the way out,
// unmasked on the way back); Commander killed -> the same client answers on the edge, and
// the app sees no error, only the route.
#include <gtest/gtest.h>
#include <tandem.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

int collect(const char* piece, void* user) {
  *static_cast<std::string*>(user) += piece;
  return 0;
}

struct ModelDeleter {
  void operator()(tandem_model* m) const { tandem_model_free(m); }
};
struct ClientDeleter {
  void operator()(tandem_client* c) const { tandem_client_free(c); }
};

class HybridClient : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::make_unique<TempFile>("sdk-commander-log");
    // Every prompt of two tokens or more has a perplexity above 1: the cloud's, unless
    // the Commander cannot be reached. Phones are masked, not kept local.
    policy_ = std::make_unique<TempFile>(
        "sdk-policy",
        "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n[privacy]\nphone = \"mask\"\n");
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", edge_model(), "-t", "1", "-c", "512", "--log-requests", log_->path});
    tandem_model_params mp = tandem_model_default_params();
    mp.n_threads = 1;
    mp.n_ctx = 512;
    const std::string tmpl = source("tests/sdk/story_template.jinja");
    mp.chat_template = tmpl.c_str();
    model_.reset(tandem_model_load(edge_model().c_str(), &mp));
    ASSERT_TRUE(model_) << tandem_last_error();
    tandem_client_params cp = tandem_client_default_params();
    const std::string url = commander_->url();
    cp.commander_url = url.c_str();
    cp.policy_path = policy_->path.c_str();
    cp.intent_model_path = "none";
    cp.temperature = 0;
    cp.max_tokens = 16;
    cp.probe_interval_ms = 200;
    cp.connect_timeout_ms = 500;
    client_.reset(tandem_client_new(model_.get(), &cp));
    ASSERT_TRUE(client_) << tandem_last_error();
  }

  tandem_route_info last_route() {
    tandem_route_info info{};
    EXPECT_EQ(tandem_client_last_route(client_.get(), &info), TANDEM_OK);
    return info;
  }
  std::string commander_log() { return std::filesystem::exists(log_->path) ? log_->read() : ""; }

  std::unique_ptr<TempFile> log_, policy_;
  std::unique_ptr<ServerProcess> commander_;
  std::unique_ptr<tandem_model, ModelDeleter> model_;
  std::unique_ptr<tandem_client, ClientDeleter> client_;
};

TEST_F(HybridClient, CloudWhileTheCommanderIsUpEdgeOnceItIsKilled) {
  const char* first = "Once upon a time Lily called 13812345678 and";
  std::string streamed;
  ASSERT_EQ(tandem_client_send(client_.get(), "user", first, collect, &streamed), TANDEM_OK)
      << tandem_last_error();
  tandem_route_info info = last_route();
  EXPECT_EQ(info.route, TANDEM_ROUTE_CLOUD) << info.explain;
  EXPECT_EQ(info.reason, TANDEM_REASON_PPL) << info.explain;
  EXPECT_GT(info.ppl, 1.0);
  EXPECT_FALSE(streamed.empty());
  EXPECT_EQ(streamed, tandem_client_last_reply(client_.get()));
  // The Commander generated it from the masked conversation: the number never left.
  const std::string seen = commander_log();
  EXPECT_NE(seen.find("<PHONE_1>"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("13812345678"), std::string::npos) << seen;

  commander_->kill_now();
  std::string edge;
  const int rc =
      tandem_client_send(client_.get(), "user", " Then she went to the park.", collect, &edge);
  EXPECT_EQ(rc, TANDEM_OK) << tandem_last_error();
  EXPECT_STREQ(tandem_last_error(), "");
  info = last_route();
  EXPECT_EQ(info.route, TANDEM_ROUTE_EDGE) << info.explain;
  EXPECT_EQ(info.reason, TANDEM_REASON_OFFLINE) << info.explain;
  EXPECT_FALSE(edge.empty());
  EXPECT_EQ(edge, tandem_client_last_reply(client_.get()));

  // tandem_route says so too without answering, once the probe (every 200 ms) has seen the
  // Commander gone.
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(tandem_route(client_.get(), "Once upon a time", &info), TANDEM_OK);
    if (info.reason == TANDEM_REASON_OFFLINE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(info.reason, TANDEM_REASON_OFFLINE) << info.explain;
}

TEST_F(HybridClient, OfflineFlagAndMemoryPressure) {
  tandem_route_info info{};
  ASSERT_EQ(tandem_route(client_.get(), "Once upon a time", &info), TANDEM_OK);
  EXPECT_EQ(info.route, TANDEM_ROUTE_CLOUD) << info.explain;
  ASSERT_EQ(tandem_client_set_offline(client_.get(), 1), TANDEM_OK);
  ASSERT_EQ(tandem_route(client_.get(), "Once upon a time", &info), TANDEM_OK);
  EXPECT_EQ(info.route, TANDEM_ROUTE_EDGE);
  EXPECT_EQ(info.reason, TANDEM_REASON_OFFLINE) << info.explain;
  std::string reply;
  ASSERT_EQ(tandem_client_send(client_.get(), "user", "Once upon a time", collect, &reply),
            TANDEM_OK);
  EXPECT_EQ(commander_log().find("Once upon a time"), std::string::npos);  // nothing left
  ASSERT_EQ(tandem_client_set_offline(client_.get(), 0), TANDEM_OK);
  // Memory pressure from the app: offloaded to the Commander while it can take it.
  ASSERT_EQ(tandem_client_trim_memory(client_.get(), TANDEM_TRIM_MEMORY_CRITICAL), TANDEM_OK);
  ASSERT_EQ(tandem_client_reset(client_.get()), TANDEM_OK);
  ASSERT_EQ(tandem_route(client_.get(), "Lily", &info), TANDEM_OK);
  EXPECT_EQ(info.route, TANDEM_ROUTE_CLOUD);
  EXPECT_EQ(info.reason, TANDEM_REASON_OFFLOAD_MEMORY) << info.explain;
  ASSERT_EQ(tandem_client_trim_memory(client_.get(), 0), TANDEM_OK);
  ASSERT_EQ(tandem_route(client_.get(), "Lily", &info), TANDEM_OK);
  EXPECT_NE(info.reason, TANDEM_REASON_OFFLOAD_MEMORY) << info.explain;
}

// A Commander that dies mid-reply (a scripted upstream echoing the masked message 4 bytes at
// a time, SIGKILLed once the app has some of it): the edge continues the same reply, the app
// sees one reply and no error. The echoed placeholder came back unmasked.
TEST(HybridClientFailover, EdgeContinuesAReplyTheCommanderBrokeOff) {
  EchoProcess echo(4, std::chrono::milliseconds(60));
  TempFile policy("sdk-failover-policy", "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n");
  tandem_model_params mp = tandem_model_default_params();
  mp.n_threads = 1;
  mp.n_ctx = 512;
  const std::string tmpl = source("tests/sdk/story_template.jinja");
  mp.chat_template = tmpl.c_str();
  std::unique_ptr<tandem_model, ModelDeleter> model(tandem_model_load(edge_model().c_str(), &mp));
  ASSERT_TRUE(model) << tandem_last_error();
  tandem_client_params cp = tandem_client_default_params();
  const std::string url = echo.url();
  cp.commander_url = url.c_str();
  cp.policy_path = policy.path.c_str();
  cp.intent_model_path = "none";
  cp.temperature = 0;
  cp.max_tokens = 40;
  std::unique_ptr<tandem_client, ClientDeleter> client(tandem_client_new(model.get(), &cp));
  ASSERT_TRUE(client) << tandem_last_error();

  struct Killer {
    std::string text;
    EchoProcess* echo;
  } k{"", &echo};
  const std::string message = "13812345678 is the number. Once upon a time there was a dog";
  const int rc = tandem_client_send(
      client.get(), "user", message.c_str(),
      [](const char* piece, void* user) {
        auto* k = static_cast<Killer*>(user);
        k->text += piece;
        if (k->text.size() >= 20) k->echo->kill();  // mid-reply
        return 0;
      },
      &k);
  ASSERT_EQ(rc, TANDEM_OK) << tandem_last_error();
  const std::string reply = tandem_client_last_reply(client.get());
  EXPECT_EQ(reply, k.text);
  // The Commander's part, unmasked: the echo sent "<PHONE_1> is the ...".
  ASSERT_EQ(reply.rfind("13812345678 is the", 0), 0u) << reply;
  // ... then the edge's continuation (the echo would have sent the message alone).
  EXPECT_NE(reply.rfind(message, 0), 0u) << reply;
  EXPECT_GT(reply.size(), 20u);
  tandem_route_info info{};
  ASSERT_EQ(tandem_client_last_route(client.get(), &info), TANDEM_OK);
  EXPECT_EQ(info.route, TANDEM_ROUTE_EDGE) << info.explain;
  EXPECT_EQ(info.reason, TANDEM_REASON_OFFLINE) << info.explain;
}

TEST(HybridClientErrors, BadArgumentsAreCodesAndMessages) {
  tandem_client_params cp = tandem_client_default_params();
  cp.commander_url = "ftp://nowhere";
  EXPECT_EQ(tandem_client_new(nullptr, &cp), nullptr);
  EXPECT_NE(std::string(tandem_last_error()).find("model"), std::string::npos);
  tandem_route_info info{};
  EXPECT_EQ(tandem_route(nullptr, "x", &info), TANDEM_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tandem_client_send(nullptr, "user", "x", nullptr, nullptr),
            TANDEM_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tandem_last_error()).find("client"), std::string::npos);
}

}  // namespace
}  // namespace tandem::test
