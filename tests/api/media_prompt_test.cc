// Content parts -> media inputs -> a prompt of tokens and placeholder rows.
#include "api/media_prompt.h"

#include <gtest/gtest.h>

#include "api/openai_schema.h"
#include "engine/model.h"
#include "http/api_error.h"
#include "media/base64.h"
#include "support/paths.h"

namespace tandem::api {
namespace {

using nlohmann::json;

// An encoder of images only: three rows per image, each row filled with the image's first
// byte, inside "[img]" ... "[/img]"; an image starting with 0xFF is "corrupt".
class ThreeRowImages : public media::MediaEncoder {
 public:
  bool supports(media::Modality m) const override { return m == media::Modality::kImage; }
  int64_t n_embd() const override { return 4; }
  std::vector<media::EmbeddedChunk> encode(const media::MediaInput& in) const override {
    if (in.bytes[0] == 0xFF) throw media::MediaInputError("the image is corrupt (test)");
    auto rows = std::make_shared<std::vector<float>>(12, static_cast<float>(in.bytes[0]));
    return {{"[img]", 3, 4, rows, "[/img]"}};
  }
};

std::string data_url(std::vector<uint8_t> bytes) {
  return "data:image/png;base64," + media::base64_encode(bytes);
}

json chat(std::vector<json> parts) {
  return {{"messages", json::array({{{"role", "user"}, {"content", parts}}})}};
}

json image_part(const std::string& url) {
  return {{"type", "image_url"}, {"image_url", {{"url", url}}}};
}

void expect_400(const std::function<void()>& f, const std::string& param,
                const std::string& code = "") {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.param, param) << e.what();
    if (!code.empty()) {
      EXPECT_EQ(e.code, code) << e.what();
    }
  }
}

TEST(MediaParts, ImageAndAudioPartsBecomeMarkersAndInputs) {
  const json audio = {
      {"type", "input_audio"},
      {"input_audio",
       {{"data", media::base64_encode(std::vector<uint8_t>{1, 2})}, {"format", "wav"}}}};
  auto r = parse_chat_request(
      chat({{{"type", "text"}, {"text", "Look: "}}, image_part(data_url({7, 8, 9})), audio}), {});
  ASSERT_EQ(r.media.size(), 2u);
  EXPECT_EQ(r.messages[0].content, "Look: <__media__><__media__>");
  EXPECT_EQ(r.media[0].input.kind, media::Modality::kImage);
  EXPECT_EQ(r.media[0].input.format, "png");
  EXPECT_EQ(r.media[0].input.bytes, (std::vector<uint8_t>{7, 8, 9}));
  EXPECT_EQ(r.media[0].param, "messages[0].content[1]");
  EXPECT_EQ(r.media[1].input.kind, media::Modality::kAudio);
  EXPECT_EQ(r.media[1].input.format, "wav");
}

TEST(MediaParts, BadPartsAre400sNamingThePart) {
  const auto parse = [](json b) { return [b] { parse_chat_request(b, {}); }; };
  expect_400(parse(chat({image_part("https://example.com/cat.png")})),
             "messages[0].content[0].image_url", "unsupported_media_url");
  expect_400(parse(chat({image_part("file:///etc/passwd")})), "messages[0].content[0].image_url",
             "unsupported_media_url");
  expect_400(parse(chat({image_part("data:image/png;base64,@@@")})),
             "messages[0].content[0].image_url");
  expect_400(parse(chat({image_part("data:text/plain;base64,QUJD")})),
             "messages[0].content[0].image_url");
  expect_400(parse(chat({{{"type", "input_audio"}, {"input_audio", {{"data", "QUJD"}}}}})),
             "messages[0].content[0].input_audio.format");
  expect_400(parse(chat({{{"type", "video_url"}}})), "messages[0].content[0]");
  expect_400(parse(chat({{{"type", "text"}, {"text", "a <__media__> b"}}})),
             "messages[0].content[0]");
}

class MediaPromptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = engine::Model::load(test::stories("stories260K-f32.gguf"));
  }
  static void TearDownTestSuite() { model_.reset(); }
  static const tokenizer::Tokenizer& tok() { return model_->tokenizer(); }
  static MediaPart image(std::vector<uint8_t> bytes) {
    MediaPart p;
    p.input.bytes = std::move(bytes);
    p.param = "messages[0].content[1]";
    return p;
  }
  static std::unique_ptr<engine::Model> model_;
  ThreeRowImages enc_;
};
std::unique_ptr<engine::Model> MediaPromptTest::model_;

TEST_F(MediaPromptTest, RowsGoWhereTheMarkerWas) {
  const std::vector<MediaPart> parts = {image({5})};
  const MediaPrompt p = tokenize_with_media(tok(), "A cat<__media__> ran", parts, enc_);
  auto want = tok().encode("A cat", true, true);
  const size_t begin = want.size() + tok().encode("[img]", false, true).size();
  ASSERT_EQ(p.media.size(), 1u);
  EXPECT_EQ(p.media[0].begin, begin);
  EXPECT_EQ(p.media[0].n_rows, 3);
  EXPECT_EQ(p.media_rows, 3);
  for (size_t i = begin; i < begin + 3; ++i) EXPECT_LT(p.tokens[i], 0);
  EXPECT_EQ(p.tokens.size(), begin + 3 + tok().encode("[/img]", false, true).size() +
                                 tok().encode(" ran", false, true).size());
  EXPECT_NO_THROW(serving::check_prompt_media(p.tokens, p.media, 4));
  // The same image gives the same ids (prefix reuse); another image other ids.
  EXPECT_EQ(tokenize_with_media(tok(), "A cat<__media__> ran", parts, enc_).tokens, p.tokens);
  const std::vector<MediaPart> other = {image({6})};
  EXPECT_NE(tokenize_with_media(tok(), "A cat<__media__> ran", other, enc_).tokens, p.tokens);
}

TEST_F(MediaPromptTest, ErrorsNameThePart) {
  const std::vector<MediaPart> corrupt = {image({0xFF})};
  expect_400([&] { tokenize_with_media(tok(), "x<__media__>", corrupt, enc_); },
             "messages[0].content[1]", "invalid_media");
  std::vector<MediaPart> audio = {image({1})};
  audio[0].input.kind = media::Modality::kAudio;
  expect_400([&] { tokenize_with_media(tok(), "x<__media__>", audio, enc_); },
             "messages[0].content[1]", "media_unsupported");
  const std::vector<MediaPart> one = {image({1})};
  expect_400([&] { tokenize_with_media(tok(), "no marker", one, enc_); }, "messages");
  expect_400([&] { tokenize_with_media(tok(), "<__media__><__media__>", one, enc_); }, "messages");
}

}  // namespace
}  // namespace tandem::api
