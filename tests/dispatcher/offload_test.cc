// Dynamic offload (issue 15, part 4): the real `tandem dispatcher` (stories260K, a 128-token
// edge context, --edge-max-tokens 16) in front of a real `tandem commander`: what the edge
// cannot serve within its budget — a prompt over its context, an answer over its budget, an
// image (under --media allow-cloud) — goes to the Commander with an offload:* reason, or, when
// it cannot leave the device, is clamped (max_tokens) or refused with a 400 that says why.
#include <gtest/gtest.h>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const char* kStory = "Once upon a time, there was a little girl named Lily. She liked to play";
// A phone number this fixture's policy keeps on the device.
const char* kPrivate = "Once upon a time Lily called 13812345678 and";

json image_chat(const std::string& text) {
  json parts = json::array(
      {{{"type", "text"}, {"text", text}},
       {{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,iVBORw0KGgo="}}}}});
  return {{"messages", json::array({{{"role", "user"}, {"content", parts}}})},
          {"max_tokens", 8},
          {"temperature", 0}};
}

class Offload : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = std::make_unique<TempFile>("offload-commander-log");
    policy_ = std::make_unique<TempFile>(
        "offload-policy", "[routing]\ncloud_intents = []\n[privacy]\nphone = \"local\"\n");
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", edge_model(), "-t", "1", "-c", "512", "--log-requests", log_->path});
    dispatcher_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "-c", "128", "--edge-max-tokens", "16",
        "--commander", commander_->url(), "--intent-model", "none", "--policy", policy_->path,
        "--media", "allow-cloud"});
  }
  static void TearDownTestSuite() {
    dispatcher_.reset();
    commander_.reset();
    policy_.reset();
    log_.reset();
  }
  // What the Commander received ("" before its first request: the log is not there yet).
  static std::string commander_log() {
    return std::filesystem::exists(log_->path) ? log_->read() : "";
  }
  static std::unique_ptr<TempFile> log_, policy_;
  static std::unique_ptr<ServerProcess> commander_, dispatcher_;
};
std::unique_ptr<TempFile> Offload::log_, Offload::policy_;
std::unique_ptr<ServerProcess> Offload::commander_, Offload::dispatcher_;

// The issue's acceptance: an over-context prompt to the Dispatcher is a 200 from the
// Commander, X-Tandem-Route cloud, reason offload:context (header, /v1/route, /metrics).
TEST_F(Offload, OverContextPromptIsAnsweredByTheCommander) {
  std::string prompt;
  for (int i = 0; i < 8; ++i) prompt += std::string(kStory) + " ";
  for (bool stream : {false, true}) {
    const auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(prompt, 8, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:context: "))
        << header(r, "x-tandem-reason");
    EXPECT_FALSE(answer_text(r, stream).empty());
  }
  const json j = post(dispatcher_->url(), "/v1/route", chat(prompt, 8)).j();
  EXPECT_EQ(j["route"], "cloud") << j.dump();
  EXPECT_EQ(j["reason"], "offload:context") << j.dump();
  EXPECT_NE(commander_log().find("little girl named Lily"), std::string::npos);
  const std::string metrics = get(dispatcher_->url(), "/metrics").body;
  EXPECT_NE(metrics.find(R"(route="cloud",reason="offload:context")"), std::string::npos)
      << metrics;
}

TEST_F(Offload, MaxTokensBeyondTheEdgeBudgetGoToTheCommander) {
  auto r = post(dispatcher_->url(), "/v1/chat/completions", chat(kStory, 16));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
  for (const char* field : {"max_tokens", "max_completion_tokens"}) {
    json body = chat(kStory, 8);
    body.erase("max_tokens");
    body[field] = 40;
    r = post(dispatcher_->url(), "/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud") << field;
    EXPECT_EQ(header(r, "x-tandem-reason"), "offload:max_tokens: max_tokens 40 > edge budget 16");
  }
  const json j = post(dispatcher_->url(), "/v1/route", chat(kStory, 40)).j();
  EXPECT_EQ(j["reason"], "offload:max_tokens") << j.dump();
  EXPECT_EQ(j["signals"]["edge_max_tokens"], 16);
  EXPECT_EQ(j["signals"]["max_tokens"], 40);
}

// Kept on the device by privacy: served there, the answer clamped to the budget.
TEST_F(Offload, MaxTokensThatCannotLeaveAreClampedToTheBudget) {
  json body = chat(kPrivate, 40);
  body["ignore_eos"] = true;
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
  EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("privacy_local"));
  EXPECT_EQ(r.j()["usage"]["completion_tokens"], 16) << r.body;
  EXPECT_EQ(r.j()["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(commander_log().find("13812345678"), std::string::npos);
}

// An image part: the edge has no encoder, so the Commander gets the request (the image as
// sent, the text masked); this Commander has no --mmproj either and its 400 comes back as is.
TEST_F(Offload, ImagesGoToTheCommanderWhoseAnswerComesBack) {
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", image_chat("Describe this"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:modality: image_url"))
      << header(r, "x-tandem-reason");
  EXPECT_EQ(r.j()["error"]["code"], "media_unsupported") << r.body;  // the Commander's
  EXPECT_NE(commander_log().find("iVBORw0KGgo="), std::string::npos);
  const json j = post(dispatcher_->url(), "/v1/route", image_chat("Describe this")).j();
  EXPECT_EQ(j["reason"], "offload:modality") << j.dump();
  EXPECT_EQ(j["signals"]["modality"], "image_url");
  EXPECT_TRUE(j["signals"]["ppl"].is_null());
}

TEST_F(Offload, ImagesThatCannotLeaveAreA400ThatSaysWhy) {
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", image_chat(kPrivate));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "unsupported_modality");
  const std::string msg = r.j()["error"]["message"];
  EXPECT_NE(msg.find("no encoder for image_url"), std::string::npos) << msg;
  EXPECT_NE(msg.find("privacy_local: phone"), std::string::npos) << msg;
  EXPECT_EQ(commander_log().find("13812345678"), std::string::npos);
}

TEST(OffloadOffline, ImagesWithNoCommanderAreA400ThatSaysWhy) {
  ServerProcess lonely({"dispatcher", "-m", edge_model(), "-t", "1", "--intent-model", "none",
                        "--media", "allow-cloud", "--commander",
                        "http://127.0.0.1:" + std::to_string(free_loopback_port())});
  const auto r = post(lonely.url(), "/v1/chat/completions", image_chat("Describe this"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "unsupported_modality");
  EXPECT_NE(r.body.find("offline"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace tandem::test
