// The real `tandem dispatcher` (stories260K at the edge) in front of a real `tandem commander`
// (stories260K, logging the bodies it receives): routing, /v1/route, the routing PPL, the
// privacy boundary and offline mode.
#include <gtest/gtest.h>

#include "dispatcher/edge/edge_engine.h"
#include "engine/model.h"
#include "router/prompt_perplexity.h"
#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

class Dispatcher : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = std::make_unique<TempFile>("commander-log");
    always_cloud_ = std::make_unique<TempFile>(
        "cloud-policy", "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n");
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", edge_model(), "-t", "1", "-c", "512", "--log-requests", log_->path});
    dispatcher_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                                 commander_->url(), "--intent-model", intent_model()});
    cloud_dispatcher_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "--commander", commander_->url(),
        "--intent-model", intent_model(), "--policy", always_cloud_->path});
  }
  static void TearDownTestSuite() {
    cloud_dispatcher_.reset();
    dispatcher_.reset();
    commander_.reset();
    always_cloud_.reset();
    log_.reset();
  }
  static std::unique_ptr<TempFile> log_, always_cloud_;
  static std::unique_ptr<ServerProcess> commander_, dispatcher_, cloud_dispatcher_;
};
std::unique_ptr<TempFile> Dispatcher::log_, Dispatcher::always_cloud_;
std::unique_ptr<ServerProcess> Dispatcher::commander_, Dispatcher::dispatcher_,
    Dispatcher::cloud_dispatcher_;

const char* kStory = "Once upon a time, there was a little girl named Lily. She liked to play";
const char* kCode = "Write a Python function that reverses a linked list and prints it";
const char* kMath = "Solve the equation 3x + 5 = 20 and show every step";

TEST_F(Dispatcher, StoryStaysOnTheEdge) {
  for (bool stream : {false, true}) {
    auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(kStory, 16, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("default"))
        << header(r, "x-tandem-reason");
    bool done = false;
    EXPECT_FALSE(answer_text(r, stream, &done).empty());
    EXPECT_EQ(done, stream);
  }
  auto route = post(dispatcher_->url(), "/v1/route", chat(kStory));
  ASSERT_EQ(route.status, 200) << route.body;
  const json j = route.j();
  EXPECT_EQ(j["route"], "edge");
  EXPECT_EQ(j["signals"]["intent"]["label"], "chat");
  EXPECT_TRUE(j["signals"]["ppl"].is_number());
  EXPECT_TRUE(j["signals"]["pii"].empty());
}

TEST_F(Dispatcher, CodeAndMathGoToTheCommanderAndRouteExplainsWhy) {
  for (auto [prompt, intent] : {std::pair{kCode, "coding"}, std::pair{kMath, "math"}}) {
    auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(prompt, 8));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with(std::string("intent: ") + intent))
        << header(r, "x-tandem-reason");
    auto route = post(dispatcher_->url(), "/v1/route", chat(prompt));
    const json j = route.j();
    EXPECT_EQ(j["route"], "cloud");
    EXPECT_EQ(j["reason"], "intent");
    EXPECT_EQ(j["signals"]["intent"]["label"], intent);
    EXPECT_GT(j["signals"]["intent"]["scores"][intent].get<double>(), 0.5);
    EXPECT_EQ(j["explain"], header(route, "x-tandem-reason"));
  }
  EXPECT_NE(log_->read().find("linked list"), std::string::npos);  // the Commander saw it
  const std::string metrics = get(dispatcher_->url(), "/metrics").body;
  EXPECT_NE(metrics.find(R"(tandem_routing_decisions_total{route="cloud",reason="intent"})"),
            std::string::npos)
      << metrics;
}

TEST_F(Dispatcher, RoutingPplIsThePromptPerplexity) {
  dispatcher::EdgeEngine edge(engine::Model::load(edge_model(), ""), 1, 128, "");
  for (const char* prompt : {kStory, kCode}) {
    const auto tokens = edge.encode(edge.render({{"user", prompt}}));
    auto cache = edge.transformer().make_cache(128, 1);
    const double want = router::prompt_perplexity(edge.transformer(), cache, tokens).ppl;
    const json j = post(dispatcher_->url(), "/v1/route", chat(prompt)).j();
    EXPECT_EQ(j["prompt_tokens"].get<size_t>(), tokens.size());
    EXPECT_NEAR(j["signals"]["ppl"].get<double>(), want, 1e-9 * want) << prompt;
  }
}

// A prompt the edge context cannot hold is offloaded to the Commander (reason
// "offload:context"),
// not refused; /v1/route reports the same without an edge prefill.
TEST_F(Dispatcher, PromptsTooLongForTheEdgeAreOffloaded) {
  std::string prompt;
  for (int i = 0; i < 8; ++i) prompt += std::string(kStory) + " ";
  for (bool stream : {false, true}) {
    const auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(prompt, 8, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:context: "))
        << header(r, "x-tandem-reason");
  }
  const json j = post(dispatcher_->url(), "/v1/route", chat(prompt)).j();
  EXPECT_EQ(j["reason"], "offload:context") << j.dump();
  EXPECT_GE(j["signals"]["prompt_tokens"].get<int64_t>(),
            j["signals"]["edge_context"].get<int64_t>());
  EXPECT_TRUE(j["signals"]["ppl"].is_null());
}

// Far longer than the edge context could hold: routed on its length in bytes, never
// tokenized on the edge (prompt_tokens is then not counted), and offloaded all the same.
TEST_F(Dispatcher, PromptsFarTooLongForTheEdgeAreNotTokenizedThere) {
  std::string prompt;
  for (int i = 0; i < 120; ++i) prompt += std::string(kStory) + " ";
  const json j = post(dispatcher_->url(), "/v1/route", chat(prompt)).j();
  EXPECT_EQ(j["reason"], "offload:context") << j.dump();
  EXPECT_TRUE(j["prompt_tokens"].is_null()) << j.dump();
  EXPECT_GE(j["signals"]["prompt_tokens"].get<int64_t>(),
            j["signals"]["edge_context"].get<int64_t>());
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(prompt, 8, false));
  // The Commander of this fixture has a larger context but not this large: its 400 comes back.
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud") << r.body;
}

TEST_F(Dispatcher, SeedExampleReachesTheCommanderMasked) {
  const std::string seed = "我叫张三,电话 13800000000。";
  const std::string more = " My email is lily@example.com, card 4111 1111 1111 1111.";
  for (bool stream : {false, true}) {
    auto r = post(cloud_dispatcher_->url(), "/v1/chat/completions", chat(seed + more, 8, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("ppl: ")) << header(r, "x-tandem-reason");
  }
  const std::string log = log_->read();
  for (const char* secret : {"张三", "13800000000", "lily@example.com", "4111 1111 1111 1111"})
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked:\n" << log;
  EXPECT_NE(log.find("我叫<NAME_1>,电话 <PHONE_1>。"), std::string::npos) << log;
  EXPECT_NE(log.find("<EMAIL_1>"), std::string::npos) << log;
  auto route = post(cloud_dispatcher_->url(), "/v1/route", chat(seed));
  const json pii = route.j()["signals"]["pii"];
  EXPECT_NE(std::find(pii.begin(), pii.end(), "phone"), pii.end()) << route.body;
  EXPECT_NE(std::find(pii.begin(), pii.end(), "name"), pii.end()) << route.body;
  EXPECT_EQ(route.body.find("13800000000"), std::string::npos);  // types, never values
}

TEST_F(Dispatcher, CommanderNotStartedMeansOffline) {
  ServerProcess lonely({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                        "http://127.0.0.1:" + std::to_string(free_loopback_port()),
                        "--intent-model", intent_model()});
  for (bool stream : {false, true}) {
    auto r = post(lonely.url(), "/v1/chat/completions", chat(kCode, 12, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offline"))
        << header(r, "x-tandem-reason");
    bool done = false;
    EXPECT_FALSE(answer_text(r, stream, &done).empty());
    EXPECT_EQ(done, stream);
  }
  EXPECT_NE(get(lonely.url(), "/metrics").body.find(R"(route="edge",reason="offline")"),
            std::string::npos);
}

}  // namespace
}  // namespace tandem::test
