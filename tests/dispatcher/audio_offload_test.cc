// Audio through both nodes: the real `tandem dispatcher` (no encoder on the edge, --media
// allow-cloud) in front of a real `tandem commander --mmproj` holding a random-weight
// ultravox projector of stories260K's width. An input_audio chat goes to the Commander
// unchanged (offload:modality) and comes back 200 with the clip's 188 rows in prompt_tokens,
// streamed too; a corrupt WAV comes back as the Commander's 400 naming the problem. A
// Dispatcher with the same projector on the edge (--media edge-only, the default) answers the
// clip itself.
#include <gtest/gtest.h>

#include "media/base64.h"
#include "support/dispatcher_support.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

json audio_chat(const std::string& base64, bool stream = false) {
  json parts = json::array(
      {{{"type", "text"}, {"text", "Once upon a time"}},
       {{"type", "input_audio"}, {"input_audio", {{"data", base64}, {"format", "wav"}}}}});
  return {{"messages", json::array({{{"role", "user"}, {"content", parts}}})},
          {"max_tokens", 8},
          {"temperature", 0},
          {"stream", stream}};
}

std::string fixture_base64() {
  const std::string wav = read_file(source("tests/audio/fixtures/chirp_1s_16k.wav"));
  return media::base64_encode(std::vector<uint8_t>(wav.begin(), wav.end()));
}

class AudioOffload : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string mm = unique_temp_dir() + "/ultravox.gguf";
    const auto r = run_tandem({"synth", "--mmproj-out", mm, "--projector", "ultravox", "--audio",
                               "tiny", "--n-embd-text", "64"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    mmproj_ = mm;
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", edge_model(), "-t", "1", "-c", "512", "--mmproj", mm});
    dispatcher_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "-c", "512", "--commander", commander_->url(),
        "--intent-model", "none", "--media", "allow-cloud"});
  }
  static std::string mmproj_;
  static void TearDownTestSuite() {
    dispatcher_.reset();
    commander_.reset();
  }
  static std::unique_ptr<ServerProcess> commander_, dispatcher_;
};
std::unique_ptr<ServerProcess> AudioOffload::commander_, AudioOffload::dispatcher_;
std::string AudioOffload::mmproj_;

TEST_F(AudioOffload, AnEdgeEncoderAnswersTheClipOnTheDevice) {
  ServerProcess edge({"dispatcher", "-m", edge_model(), "-t", "1", "-c", "512", "--commander",
                      commander_->url(), "--intent-model", "none", "--mmproj", mmproj_});
  const json models = get(edge.url(), "/v1/models").j();
  EXPECT_EQ(models["data"][0]["modalities"], json({"text", "audio"})) << models;
  const auto text_only = post(edge.url(), "/v1/chat/completions", chat("Once upon a time", 8));
  ASSERT_EQ(text_only.status, 200) << text_only.body;
  const auto r = post(edge.url(), "/v1/chat/completions", audio_chat(fixture_base64()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
  EXPECT_EQ(header(r, "x-tandem-reason"), "privacy_local: media");
  const int64_t rows = r.j()["usage"]["prompt_tokens"].get<int64_t>() -
                       text_only.j()["usage"]["prompt_tokens"].get<int64_t>();
  EXPECT_GE(rows, 188) << r.body;
  EXPECT_LE(rows, 190) << r.body;
  const auto bad = post(edge.url(), "/v1/chat/completions",
                        audio_chat(media::base64_encode(std::vector<uint8_t>(300, 7))));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.j()["error"]["code"], "invalid_media") << bad.body;
}

TEST_F(AudioOffload, AClipIsAnsweredByTheCommanderWithItsRowsCounted) {
  const auto text_only = post(commander_->url(), "/v1/chat/completions", chat("Once upon a time"));
  ASSERT_EQ(text_only.status, 200) << text_only.body;
  for (bool stream : {false, true}) {
    json body = audio_chat(fixture_base64(), stream);
    if (stream) body["stream_options"] = {{"include_usage", true}};
    const auto r = post(dispatcher_->url(), "/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:modality: input_audio"))
        << header(r, "x-tandem-reason");
    EXPECT_FALSE(answer_text(r, stream).empty());
    if (stream) continue;
    const int64_t rows = r.j()["usage"]["prompt_tokens"].get<int64_t>() -
                         text_only.j()["usage"]["prompt_tokens"].get<int64_t>();
    EXPECT_GE(rows, 188) << r.body;  // one 30 s chunk of ultravox rows (plus the text's split)
    EXPECT_LE(rows, 190) << r.body;
  }
}

TEST_F(AudioOffload, ACorruptClipIsTheCommanders400) {
  const auto r = post(dispatcher_->url(), "/v1/chat/completions",
                      audio_chat(media::base64_encode(std::vector<uint8_t>(300, 7))));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "invalid_media") << r.body;
  EXPECT_NE(r.j()["error"]["message"].get<std::string>().find("corrupt"), std::string::npos)
      << r.body;
}

}  // namespace
}  // namespace tandem::test
