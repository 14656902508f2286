#include "audio/decode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "audio/audio_error.h"
#include "audio/encode_helper.h"
#include "audio/resample.h"

namespace tandem::audio {
namespace {

using testing::encode;
using testing::encode_wav16;
using testing::tone;

// Runs f, expects an AudioError whose message contains `needle`.
template <typename F>
void expect_audio_error(F&& f, const std::string& needle) {
  try {
    f();
    FAIL() << "no AudioError, wanted one containing '" << needle << "'";
  } catch (const AudioError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

// Largest |a - b| over [from, to) of both.
double max_diff(std::span<const float> a, std::span<const float> b, size_t from, size_t to) {
  double d = 0;
  for (size_t i = from; i < to; ++i) d = std::max(d, std::abs(double(a[i]) - double(b[i])));
  return d;
}

TEST(DecodeAudio, Wav16kMonoIsTheSamples) {
  const auto s = tone(440.0, 1.5, 16000);
  const auto bytes = encode_wav16(s, 1, 16000);
  const auto out = decode_audio(bytes, "wav");
  ASSERT_EQ(out.size(), s.size());
  EXPECT_LT(max_diff(out, s, 0, s.size()), 1.0 / 32768 + 1e-7);  // 16-bit quantisation only
}

TEST(DecodeAudio, StereoIsMixedToTheMeanOfItsChannels) {
  // Left = tone, right = -tone: the mean is silence; left = right = tone: the tone.
  const auto t = tone(300.0, 0.5, 16000);
  std::vector<float> opposite, same;
  for (float v : t) {
    opposite.insert(opposite.end(), {v, -v});
    same.insert(same.end(), {v, v});
  }
  const auto silent = decode_audio(encode_wav16(opposite, 2, 16000), "wav");
  ASSERT_EQ(silent.size(), t.size());
  EXPECT_LT(max_diff(silent, std::vector<float>(t.size(), 0.0f), 0, t.size()), 1e-6);
  const auto mono = decode_audio(encode_wav16(same, 2, 16000), "");
  EXPECT_LT(max_diff(mono, t, 0, t.size()), 1.0 / 32768 + 1e-7);
}

TEST(DecodeAudio, StereoAt44100IsResampledTo16k) {
  const double seconds = 2.0;
  const auto t = tone(1000.0, seconds, 44100);
  std::vector<float> st;
  for (float v : t) st.insert(st.end(), {v, v});
  const auto out = decode_audio(encode_wav16(st, 2, 44100), "wav");
  const auto want = tone(1000.0, seconds, 16000);
  ASSERT_NEAR(double(out.size()), double(want.size()), 1.0);
  // Away from the edges (the filter's ramp-in), the 1 kHz tone comes through unchanged.
  EXPECT_LT(max_diff(out, want, 2000, want.size() - 2000), 2e-3);
}

TEST(DecodeAudio, FlacAndOggVorbisDecode) {
  const auto t = tone(500.0, 1.0, 16000);
  const auto flac = decode_audio(encode(t, 1, 16000, SF_FORMAT_FLAC | SF_FORMAT_PCM_16), "flac");
  ASSERT_EQ(flac.size(), t.size());
  EXPECT_LT(max_diff(flac, t, 0, t.size()), 1.0 / 32768 + 1e-7);  // lossless
  const auto ogg = decode_audio(encode(t, 1, 16000, SF_FORMAT_OGG | SF_FORMAT_VORBIS), "ogg");
  ASSERT_NEAR(double(ogg.size()), double(t.size()), 1.0);
  EXPECT_LT(max_diff(ogg, t, 1000, t.size() - 1000), 0.05);  // lossy
}

TEST(DecodeAudio, Mp3Decodes) {
  const auto t = tone(700.0, 2.0, 16000);
  const auto bytes = encode(t, 1, 16000, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III);
  const auto out = decode_audio(bytes, "mp3");
  // The encoder's delay and last-frame padding (576-sample granules at 16 kHz) shift length.
  EXPECT_NEAR(double(out.size()), double(t.size()), 1152.0);
  // The tone survives: its energy at 700 Hz dwarfs the rest.
  double dot_s = 0, dot_c = 0, energy = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const double ph = 2.0 * std::numbers::pi * 700.0 * i / 16000;
    dot_s += out[i] * std::sin(ph);
    dot_c += out[i] * std::cos(ph);
    energy += double(out[i]) * out[i];
  }
  const double tone_energy = 2.0 * (dot_s * dot_s + dot_c * dot_c) / out.size();
  EXPECT_GT(tone_energy / energy, 0.95);
}

TEST(DecodeAudio, RefusesEmptyAndOversizedData) {
  expect_audio_error([] { decode_audio({}, "wav"); }, "empty audio");
  const auto bytes = encode_wav16(tone(440.0, 1.0, 16000), 1, 16000);
  DecodeLimits small;
  small.max_bytes = 1000;
  expect_audio_error([&] { decode_audio(bytes, "wav", small); }, "too large");
}

TEST(DecodeAudio, RefusesGarbage) {
  std::vector<uint8_t> junk(4096);
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  expect_audio_error([&] { decode_audio(junk, "wav"); }, "unrecognised or corrupt");
  const std::string text = "RIFF this is not really a wave file at all";
  expect_audio_error(
      [&] {
        decode_audio({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, "");
      },
      "unrecognised or corrupt");
}

TEST(DecodeAudio, RefusesATruncatedWav) {
  auto bytes = encode_wav16(tone(440.0, 1.0, 16000), 1, 16000);
  bytes.resize(bytes.size() / 2);
  expect_audio_error([&] { decode_audio(bytes, "wav"); }, "truncated");
  auto flac = encode(tone(440.0, 1.0, 16000), 1, 16000, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  flac.resize(flac.size() / 2);
  expect_audio_error([&] { decode_audio(flac, "flac"); }, "truncated");
  auto mp3 = encode(tone(440.0, 2.0, 16000), 1, 16000, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III);
  mp3.resize(mp3.size() / 2);
  expect_audio_error([&] { decode_audio(mp3, "mp3"); }, "truncated");
  bytes.resize(20);  // not even a whole header
  expect_audio_error([&] { decode_audio(bytes, "wav"); }, "corrupt");
}

TEST(DecodeAudio, RefusesTooLongAudio) {
  const auto bytes = encode_wav16(tone(440.0, 3.0, 8000), 1, 8000);
  DecodeLimits limits;
  limits.max_seconds = 2.0;
  expect_audio_error([&] { decode_audio(bytes, "wav", limits); }, "too long");
  limits.max_seconds = 3.5;
  EXPECT_EQ(decode_audio(bytes, "wav", limits).size(), 48000u);  // 3 s at 16 kHz
}

TEST(DecodeAudio, RefusesAnUnsupportedFormat) {
  const auto bytes = encode_wav16(tone(440.0, 0.1, 16000), 1, 16000);
  expect_audio_error([&] { decode_audio(bytes, "aac"); }, "unsupported audio format 'aac'");
}

TEST(DecodeAudio, RefusesAFileWithNoSamples) {
  const auto bytes = encode_wav16({}, 1, 16000);
  expect_audio_error([&] { decode_audio(bytes, "wav"); }, "no samples");
}

TEST(DecodeAudio, RefusesNonFiniteSamples) {
  std::vector<float> s = tone(440.0, 0.1, 16000);
  s[10] = std::numeric_limits<float>::quiet_NaN();
  const auto bytes = encode(s, 1, 16000, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  expect_audio_error([&] { decode_audio(bytes, "wav"); }, "non-finite");
}

TEST(Resample, OutputLengthFollowsTheRatio) {
  for (const int rate : {8000, 11025, 22050, 32000, 44100, 48000, 96000}) {
    for (const size_t n : {size_t{1}, size_t{1000}, size_t{123457}}) {
      const std::vector<float> in(n, 0.25f);
      const auto out = resample(in, rate, 16000);
      const double want = double(n) * 16000 / rate;
      EXPECT_NEAR(double(out.size()), want, 1.0) << rate << " Hz, " << n << " samples";
    }
  }
  EXPECT_TRUE(resample({}, 44100, 16000).empty());
  expect_audio_error([] { resample(std::vector<float>(10), 0, 16000); }, "sample rate");
}

TEST(Resample, BlocksGiveTheStreamOfTheWhole) {
  const auto in = tone(1234.0, 1.3, 44100);
  const auto whole = resample(in, 44100, 16000);
  Resampler r(44100, 16000);
  std::vector<float> streamed;
  size_t at = 0;
  for (size_t step = 1; at < in.size(); step = step * 3 + 7) {  // uneven block sizes
    const size_t n = std::min(step, in.size() - at);
    r.process(std::span(in).subspan(at, n), false, streamed);
    at += n;
  }
  r.process({}, true, streamed);
  ASSERT_EQ(streamed.size(), whole.size());
  EXPECT_LT(max_diff(streamed, whole, 0, whole.size()), 1e-6);
}

TEST(Resample, KeepsAToneInTheBand) {
  const auto in = tone(3000.0, 1.0, 48000);
  const auto out = resample(in, 48000, 16000);
  const auto want = tone(3000.0, 1.0, 16000);
  ASSERT_EQ(out.size(), want.size());
  EXPECT_LT(max_diff(out, want, 500, want.size() - 500), 2e-3);
}

}  // namespace
}  // namespace tandem::audio
