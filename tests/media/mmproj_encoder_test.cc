// media::MmprojEncoder with audio: audio-only and vision+audio files load, list their
// modalities, encode input_audio bytes into chunks of rows with mtmd's markers, and turn
// every kind of bad audio into a MediaInputError (the servers' 400) naming the problem.
#include "media/mmproj_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "audio/encode_helper.h"
#include "mmproj/mmproj_test_util.h"

namespace tandem::media {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

MediaInput wav_input(double seconds = 1.0) {
  MediaInput in;
  in.kind = Modality::kAudio;
  in.format = "wav";
  in.bytes = audio::testing::encode_wav16(audio::testing::tone(440.0, seconds, 16000), 1, 16000);
  return in;
}

std::vector<uint8_t> fixture_png() {
  std::ifstream f(std::string(TANDEM_SOURCE_DIR) + "/tests/vision/fixtures/tiny_45x37.png",
                  std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(MmprojEncoderAudio, AnAudioOnlyFileEncodesAudio) {
  const MmprojEncoder enc(tandem::testing::tiny_audio_mmproj("qwen2a", "F16", 64), {}, 64);
  EXPECT_TRUE(enc.supports(Modality::kAudio));
  EXPECT_FALSE(enc.supports(Modality::kImage));
  EXPECT_EQ(enc.modalities(), std::vector<std::string>{"audio"});
  EXPECT_EQ(enc.n_embd(), 64);
  const auto chunks = enc.encode(wav_input());
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].n_rows, 750);
  EXPECT_EQ(chunks[0].n_embd, 64);
  EXPECT_EQ(chunks[0].rows->size(), 750u * 64);
  EXPECT_EQ(chunks[0].text_before, "<|audio_bos|>");
  EXPECT_EQ(chunks[0].text_after, "<|audio_eos|>");
  MediaInput image;
  image.bytes = fixture_png();
  EXPECT_THROW(enc.encode(image), std::invalid_argument);  // no vision encoder
}

TEST(MmprojEncoderAudio, AFileWithBothEncodersTakesImagesAndAudio) {
  const MmprojEncoder enc(tandem::testing::tiny_audio_mmproj("gemma3,ultravox", "F32", 64), {}, 64);
  EXPECT_EQ(enc.modalities(), (std::vector<std::string>{"image", "audio"}));
  MediaInput image;
  image.bytes = fixture_png();
  const auto img = enc.encode(image);
  ASSERT_EQ(img.size(), 1u);
  EXPECT_EQ(img[0].text_before, "<start_of_image>");
  const auto snd = enc.encode(wav_input());
  ASSERT_EQ(snd.size(), 1u);
  EXPECT_EQ(snd[0].n_rows, 188);
  EXPECT_EQ(snd[0].text_before, "");
}

TEST(MmprojEncoderAudio, BadAudioIsAMediaInputErrorNamingTheProblem) {
  const MmprojEncoder enc(tandem::testing::tiny_audio_mmproj("ultravox"), {});
  auto expect_error = [&](MediaInput in, const std::string& needle) {
    EXPECT_THAT([&] { enc.encode(in); }, ThrowsMessage<MediaInputError>(HasSubstr(needle)))
        << needle;
  };
  MediaInput junk = wav_input();
  junk.bytes.assign(200, 0x5a);
  expect_error(junk, "unrecognised or corrupt");
  MediaInput truncated = wav_input(1.0);
  truncated.bytes.resize(truncated.bytes.size() / 2);  // the samples cut half way
  expect_error(truncated, "truncated");
  MediaInput empty = wav_input();
  empty.bytes.clear();
  expect_error(empty, "empty");
  MediaInput unsupported = wav_input();
  unsupported.format = "aiff-c";
  expect_error(unsupported, "aiff-c");
  MmprojEncoderOptions short_only;
  short_only.audio.max_seconds = 0.5;
  const MmprojEncoder strict(tandem::testing::tiny_audio_mmproj("ultravox"), short_only);
  EXPECT_THROW(strict.encode(wav_input(1.0)), MediaInputError);
}

TEST(MmprojEncoderAudio, AnAudioProjectorOfAnotherWidthIsNotAPair) {
  EXPECT_THAT(
      [] { MmprojEncoder(tandem::testing::tiny_audio_mmproj("ultravox", "F32", 32), {}, 64); },
      ThrowsMessage<std::invalid_argument>(HasSubstr("not a pair")));
}

}  // namespace
}  // namespace tandem::media
