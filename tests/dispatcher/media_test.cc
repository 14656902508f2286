// Images through a real `tandem dispatcher --mmproj` in front of a real Commander (both
// stories260K with a random-weight gemma3-style projector from `tandem synth`). Media is
// private by default (--media edge-only): the edge reads it and answers, and not a byte of
// it reaches the Commander; without an encoder that is a 400 saying how to change it. Under
// --media allow-cloud a cloud route sends the image as the content part, and the edge still
// answers what privacy keeps local, reading the image itself.
#include <gtest/gtest.h>

#include "media/base64.h"
#include "support/dispatcher_support.h"
#include "support/process.h"

namespace tandem::test {
namespace {

const std::string& png_base64() {
  static const std::string b64 = [] {
    const std::string png = read_file(source("tests/vision/fixtures/tiny_45x37.png"));
    return media::base64_encode(std::vector<uint8_t>(png.begin(), png.end()));
  }();
  return b64;
}

json image_chat(const std::string& text, bool stream = false,
                const std::string& b64 = png_base64()) {
  json parts = json::array(
      {{{"type", "text"}, {"text", text}},
       {{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64," + b64}}}}});
  return {{"messages", json::array({{{"role", "user"}, {"content", parts}}})},
          {"max_tokens", 8},
          {"temperature", 0},
          {"stream", stream}};
}

class DispatcherMedia : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = unique_temp_dir();
    mmproj_ = dir_ + "/mm.gguf";
    auto r = run_tandem({"synth", "--mmproj-out", mmproj_, "--projector", "gemma3", "--vision",
                         "tiny", "--n-embd-text", "64"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    log_ = std::make_unique<TempFile>("media-commander-log");
    // Every prompt is "hard" (ppl > 1): routed to the cloud unless privacy keeps it local.
    policy_ = std::make_unique<TempFile>(
        "media-policy",
        "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n[privacy]\nphone = \"local\"\n");
    commander_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", edge_model(), "-t", "1", "-c", "512",
                                 "--mmproj", mmproj_, "--log-requests", log_->path});
  }
  static void TearDownTestSuite() {
    commander_.reset();
    policy_.reset();
    log_.reset();
  }
  static std::vector<std::string> dispatcher_args(std::vector<std::string> more) {
    std::vector<std::string> a = {"dispatcher",
                                  "-m",
                                  edge_model(),
                                  "-t",
                                  "1",
                                  "-c",
                                  "512",
                                  "--commander",
                                  commander_->url(),
                                  "--intent-model",
                                  "none",
                                  "--policy",
                                  policy_->path};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  static std::string commander_log() {
    return std::filesystem::exists(log_->path) ? log_->read() : "";
  }
  static std::string dir_, mmproj_;
  static std::unique_ptr<TempFile> log_, policy_;
  static std::unique_ptr<ServerProcess> commander_;
};
std::string DispatcherMedia::dir_, DispatcherMedia::mmproj_;
std::unique_ptr<TempFile> DispatcherMedia::log_, DispatcherMedia::policy_;
std::unique_ptr<ServerProcess> DispatcherMedia::commander_;

TEST_F(DispatcherMedia, EdgeOnlyByDefaultTheEdgeReadsTheImage) {
  ServerProcess d(dispatcher_args({"--mmproj", mmproj_}));
  const json models = get(d.url(), "/v1/models").j();
  EXPECT_EQ(models["data"][0]["modalities"], json({"text", "image"})) << models;
  EXPECT_EQ(models["data"][0]["media_policy"], "edge-only") << models;

  const auto text_only = post(d.url(), "/v1/chat/completions", chat("Once upon a time", 8));
  ASSERT_EQ(text_only.status, 200) << text_only.body;
  EXPECT_EQ(header(text_only, "x-tandem-route"), "cloud");  // the policy's ppl rule

  const auto r = post(d.url(), "/v1/chat/completions", image_chat("Once upon a time"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
  EXPECT_EQ(header(r, "x-tandem-reason"), "privacy_local: media");
  const int64_t with = r.j()["usage"]["prompt_tokens"].get<int64_t>();
  const int64_t without = text_only.j()["usage"]["prompt_tokens"].get<int64_t>();
  EXPECT_GT(with - without, 4) << r.body;  // the image's rows and its marker text
  EXPECT_FALSE(answer_text(r, false).empty());

  const auto streamed = post(d.url(), "/v1/chat/completions", image_chat("Once upon a time", true));
  ASSERT_EQ(streamed.status, 200);
  EXPECT_EQ(answer_text(streamed, true), answer_text(r, false));

  const json route = post(d.url(), "/v1/route", image_chat("Once upon a time")).j();
  EXPECT_EQ(route["route"], "edge") << route.dump();
  EXPECT_EQ(route["reason"], "privacy_local") << route.dump();
  EXPECT_TRUE(route["signals"]["media_private"].get<bool>());
  EXPECT_TRUE(route["signals"]["modality"].is_null());
  EXPECT_EQ(commander_log().find(png_base64().substr(0, 40)), std::string::npos);
}

TEST_F(DispatcherMedia, BadImagesAre400sNamingThePart) {
  ServerProcess d(dispatcher_args({"--mmproj", mmproj_}));
  const auto r = post(
      d.url(), "/v1/chat/completions",
      image_chat("Once upon a time", false, media::base64_encode(std::vector<uint8_t>(40, 7))));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "invalid_media") << r.body;
  EXPECT_EQ(r.j()["error"]["param"], "messages[0].content[1]") << r.body;
  EXPECT_EQ(post(d.url(), "/v1/chat/completions", image_chat("Once")).status, 200);
}

TEST_F(DispatcherMedia, EdgeOnlyWithoutAnEncoderIsA400ThatSaysHowToChangeIt) {
  ServerProcess d(dispatcher_args({}));
  const auto r = post(d.url(), "/v1/chat/completions", image_chat("Once upon a time"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "unsupported_modality");
  const std::string msg = r.j()["error"]["message"];
  EXPECT_NE(msg.find("privacy_local: media"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--mmproj"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--media allow-cloud"), std::string::npos) << msg;
  EXPECT_EQ(commander_log().find(png_base64().substr(0, 40)), std::string::npos);
}

TEST_F(DispatcherMedia, AllowCloudSendsTheImageAsTheContentPart) {
  ServerProcess d(dispatcher_args({"--mmproj", mmproj_, "--media", "allow-cloud"}));
  const auto r = post(d.url(), "/v1/chat/completions", image_chat("Once upon a time"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("ppl: ")) << header(r, "x-tandem-reason");
  EXPECT_NE(commander_log().find(png_base64().substr(0, 40)), std::string::npos);
  // The Commander read it too: its prompt counts the rows as the edge's does.
  const auto local = post(d.url(), "/v1/chat/completions",
                          image_chat("Once upon a time Lily called 13812345678 and"));
  ASSERT_EQ(local.status, 200) << local.body;
  EXPECT_EQ(header(local, "x-tandem-route"), "edge");
  EXPECT_TRUE(header(local, "x-tandem-reason").starts_with("privacy_local: phone"));
  EXPECT_EQ(commander_log().find("13812345678"), std::string::npos);
}

TEST_F(DispatcherMedia, AllowCloudWithoutAnEncoderOffloadsTheModality) {
  ServerProcess d(dispatcher_args({"--media", "allow-cloud"}));
  const json models = get(d.url(), "/v1/models").j();
  EXPECT_EQ(models["data"][0]["modalities"], json({"text"})) << models;
  const auto r = post(d.url(), "/v1/chat/completions", image_chat("Tell me"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:modality: image_url"));
}

TEST_F(DispatcherMedia, AProjectorOfAnotherWidthStopsTheDispatcher) {
  const std::string narrow = dir_ + "/mm32.gguf";
  auto s = run_tandem({"synth", "--mmproj-out", narrow, "--projector", "gemma3", "--vision", "tiny",
                       "--n-embd-text", "32"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto r = run_tandem(dispatcher_args({"--mmproj", narrow}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not a pair"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tandem::test
