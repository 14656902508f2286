// Audio through a real `tandem commander --mmproj`: stories260K paired with a random-weight
// ultravox projector written by `tandem synth --audio tiny` (rows of the model's 64 floats).
// A chat with an input_audio WAV answers 200 and counts the clip's 188 rows in
// prompt_tokens, streams the same text; corrupt, truncated or unsupported audio is a 400
// naming the part and the problem; a vision-only projector refuses audio with a 400.
#include <gtest/gtest.h>

#include <string>

#include "media/base64.h"
#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/process.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

std::string wav_base64(size_t keep_bytes = std::string::npos) {
  std::string wav = read_file(source("tests/audio/fixtures/chirp_1s_16k.wav"));
  if (keep_bytes < wav.size()) wav.resize(keep_bytes);
  return media::base64_encode(std::vector<uint8_t>(wav.begin(), wav.end()));
}

json ask(const std::string& data, const std::string& format = "wav", bool stream = false) {
  json content = json::array({{{"type", "text"}, {"text", "Once upon a time"}}});
  if (!data.empty())
    content.push_back(
        {{"type", "input_audio"}, {"input_audio", {{"data", data}, {"format", format}}}});
  return {{"messages", json::array({{{"role", "user"}, {"content", content}}})},
          {"max_tokens", 8},
          {"temperature", 0},
          {"stream", stream}};
}

class CommanderAudio : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = unique_temp_dir();
    auto r = run_tandem({"synth", "--mmproj-out", dir_ + "/ultravox.gguf", "--projector",
                         "ultravox", "--audio", "tiny", "--n-embd-text", "64"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    r = run_tandem({"synth", "--mmproj-out", dir_ + "/gemma3.gguf", "--projector", "gemma3",
                    "--vision", "tiny", "--n-embd-text", "64"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  static std::vector<std::string> args(const std::string& mmproj) {
    return {"commander", "-m",  stories("stories260K-f32.gguf"), "-t", "1", "-np", "1", "-c", "512",
            "--mmproj",  mmproj};
  }
  static std::string dir_;
};
std::string CommanderAudio::dir_;

TEST_F(CommanderAudio, AClipIsAnsweredAndItsRowsCounted) {
  ServerProcess s(args(dir_ + "/ultravox.gguf"));
  const json models = get(s.url(), "/v1/models").j();
  EXPECT_EQ(models["data"][0]["modalities"], json({"text", "audio"})) << models;

  auto text_only = post(s.url(), "/v1/chat/completions", ask(""));
  ASSERT_EQ(text_only.status, 200) << text_only.body;
  auto r = post(s.url(), "/v1/chat/completions", ask(wav_base64()));
  ASSERT_EQ(r.status, 200) << r.body;
  const int64_t with = r.j()["usage"]["prompt_tokens"].get<int64_t>();
  const int64_t without = text_only.j()["usage"]["prompt_tokens"].get<int64_t>();
  // ultravox: one 30 s chunk, 1500 positions stacked 8 at a time = 188 rows, no marker text;
  // the text around the part is tokenized in pieces, which may cost a token or two more.
  EXPECT_GE(with - without, 188) << r.body;
  EXPECT_LE(with - without, 190) << r.body;
  EXPECT_FALSE(r.j()["choices"][0]["message"]["content"].get<std::string>().empty());

  auto streamed = post(s.url(), "/v1/chat/completions", ask(wav_base64(), "wav", true));
  ASSERT_EQ(streamed.status, 200);
  std::string text;
  for (const std::string& data : sse_data(streamed.body)) {
    if (data == "[DONE]") continue;
    const json chunk = json::parse(data);
    if (!chunk["choices"].empty() && chunk["choices"][0]["delta"].contains("content"))
      text += chunk["choices"][0]["delta"]["content"].get<std::string>();
  }
  EXPECT_EQ(text, r.j()["choices"][0]["message"]["content"].get<std::string>());
}

TEST_F(CommanderAudio, BadAudioIs400NamingThePartAndTheProblem) {
  ServerProcess s(args(dir_ + "/ultravox.gguf"));
  const struct {
    std::string data, needle;
  } cases[] = {
      {media::base64_encode(std::vector<uint8_t>(300, 7)), "corrupt"},  // not audio at all
      {wav_base64(20000), "truncated"},                                 // a WAV cut half way
  };
  for (const auto& c : cases) {
    auto r = post(s.url(), "/v1/chat/completions", ask(c.data));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.j()["error"]["param"], "messages[0].content[1]") << r.body;
    EXPECT_EQ(r.j()["error"]["code"], "invalid_media") << r.body;
    EXPECT_NE(r.j()["error"]["message"].get<std::string>().find(c.needle), std::string::npos)
        << r.body;
  }
  auto aiff = post(s.url(), "/v1/chat/completions", ask(wav_base64(), "aiff"));
  EXPECT_EQ(aiff.status, 400) << aiff.body;
  EXPECT_NE(aiff.j()["error"]["message"].get<std::string>().find("aiff"), std::string::npos);
  // The server is fine afterwards.
  EXPECT_EQ(post(s.url(), "/v1/chat/completions", ask(wav_base64())).status, 200);
}

TEST_F(CommanderAudio, AVisionOnlyProjectorRefusesAudio) {
  ServerProcess s(args(dir_ + "/gemma3.gguf"));
  auto r = post(s.url(), "/v1/chat/completions", ask(wav_base64()));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "media_unsupported") << r.body;
}

}  // namespace
}  // namespace tandem::test
