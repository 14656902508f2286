// Images through a real `tandem commander --mmproj`: stories260K paired with a random-weight
// gemma3-style projector written by `tandem synth` (rows of the model's 64 floats). A chat
// with an image data URL answers 200, counts the image's rows in prompt_tokens, streams, and
// reuses the prefix holding the same image; bad images are 400s naming the part; a projector
// that does not pair with the model stops the server at start with one line naming the file.
#include <gtest/gtest.h>

#include <string>

#include "media/base64.h"
#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/process.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

std::string png_data_url() {
  const std::string png = read_file(source("tests/vision/fixtures/tiny_45x37.png"));
  return "data:image/png;base64," +
         media::base64_encode(std::vector<uint8_t>(png.begin(), png.end()));
}

json ask(const std::string& url, bool stream = false) {
  json content = json::array({{{"type", "text"}, {"text", "Once upon a time"}}});
  if (!url.empty()) content.push_back({{"type", "image_url"}, {"image_url", {{"url", url}}}});
  return {{"messages", json::array({{{"role", "user"}, {"content", content}}})},
          {"max_tokens", 8},
          {"temperature", 0},
          {"stream", stream}};
}

class CommanderMedia : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = unique_temp_dir();
    for (auto [name, width] : {std::pair{"mm.gguf", "64"}, std::pair{"mm32.gguf", "32"}}) {
      auto r = run_tandem({"synth", "--mmproj-out", dir_ + "/" + name, "--projector", "gemma3",
                           "--vision", "tiny", "--n-embd-text", width});
      ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }
  }
  static std::vector<std::string> args(const std::string& mmproj) {
    return {"commander", "-m",  stories("stories260K-f32.gguf"), "-t", "1", "-np", "1", "-c", "512",
            "--mmproj",  mmproj};
  }
  static std::string dir_;
};
std::string CommanderMedia::dir_;

TEST_F(CommanderMedia, AnImageIsAnsweredAndCounted) {
  ServerProcess s(args(dir_ + "/mm.gguf"));
  const json models = get(s.url(), "/v1/models").j();
  EXPECT_EQ(models["data"][0]["modalities"], json({"text", "image"})) << models;

  auto text_only = post(s.url(), "/v1/chat/completions", ask(""));
  ASSERT_EQ(text_only.status, 200) << text_only.body;
  auto r = post(s.url(), "/v1/chat/completions", ask(png_data_url()));
  ASSERT_EQ(r.status, 200) << r.body;
  const int64_t with = r.j()["usage"]["prompt_tokens"].get<int64_t>();
  const int64_t without = text_only.j()["usage"]["prompt_tokens"].get<int64_t>();
  // gemma3 puts <start_of_image> rows <end_of_image> where the image was: at least the rows.
  EXPECT_GT(with - without, 4) << r.body;
  EXPECT_FALSE(r.j()["choices"][0]["message"]["content"].get<std::string>().empty());

  // The same image again: its prefix (text and image rows) comes from the slot's cache.
  auto again = post(s.url(), "/v1/chat/completions", ask(png_data_url()));
  ASSERT_EQ(again.status, 200);
  EXPECT_GE(again.j()["usage"]["prompt_tokens_details"]["cached_tokens"].get<int64_t>(), with - 8);
  EXPECT_EQ(again.j()["choices"][0]["message"], r.j()["choices"][0]["message"]);

  auto streamed = post(s.url(), "/v1/chat/completions", ask(png_data_url(), true));
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

TEST_F(CommanderMedia, BadImagesAre400sNamingThePart) {
  ServerProcess s(args(dir_ + "/mm.gguf"));
  const std::string png = png_data_url();
  const std::string bytes = read_file(source("tests/vision/fixtures/tiny_45x37.png"));
  const std::vector<uint8_t> half(bytes.begin(), bytes.begin() + bytes.size() / 2);
  for (const std::string& url :
       {std::string("data:image/png;base64,") + media::base64_encode(std::vector<uint8_t>(40, 7)),
        "data:image/png;base64," + media::base64_encode(half) /* a truncated PNG */}) {
    auto r = post(s.url(), "/v1/chat/completions", ask(url));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.j()["error"]["param"], "messages[0].content[1]") << r.body;
    EXPECT_EQ(r.j()["error"]["code"], "invalid_media") << r.body;
  }
  // The server is fine afterwards.
  EXPECT_EQ(post(s.url(), "/v1/chat/completions", ask(png)).status, 200);
}

// The Responses API's input_image parts reach the encoder as chat image_url parts do.
TEST_F(CommanderMedia, ResponsesInputImagesAreRead) {
  ServerProcess s(args(dir_ + "/mm.gguf"));
  auto body = [](bool image) {
    json content = json::array({{{"type", "input_text"}, {"text", "Once upon a time"}}});
    if (image) content.push_back({{"type", "input_image"}, {"image_url", png_data_url()}});
    return json{{"input", json::array({{{"role", "user"}, {"content", content}}})},
                {"max_output_tokens", 8},
                {"temperature", 0}};
  };
  const auto text = post(s.url(), "/v1/responses", body(false));
  const auto with = post(s.url(), "/v1/responses", body(true));
  ASSERT_EQ(text.status, 200) << text.body;
  ASSERT_EQ(with.status, 200) << with.body;
  EXPECT_GT(with.j()["usage"]["input_tokens"].get<int64_t>(),
            text.j()["usage"]["input_tokens"].get<int64_t>() + 4)
      << with.body;
}

TEST_F(CommanderMedia, ImagesOverThePixelLimitAre400s) {
  auto a = args(dir_ + "/mm.gguf");
  a.insert(a.end(), {"--image-max-pixels", "1000"});  // the fixture is 45 x 37 = 1665
  ServerProcess s(a);
  auto r = post(s.url(), "/v1/chat/completions", ask(png_data_url()));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["code"], "invalid_media") << r.body;
  EXPECT_NE(r.j()["error"]["message"].get<std::string>().find("image too large: 45x37"),
            std::string::npos)
      << r.body;
}

TEST_F(CommanderMedia, AProjectorOfAnotherWidthStopsTheServerNamingTheFile) {
  auto r = run_tandem(args(dir_ + "/mm32.gguf"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("mm32.gguf"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a pair"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tandem::test
