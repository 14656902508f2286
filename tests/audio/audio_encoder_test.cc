// The Whisper encoder + audio projectors on tiny random-weight files (`tandem synth`'s
// writer): row counts per 30 s chunk, mtmd's markers, chunking of long clips, thread-count
// independence, quantized files, and clear errors. Numerical parity with PyTorch is
// AudioParity.TorchReference (tests/audio/reference_audio.py).
#include "audio/audio_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "audio/audio_error.h"
#include "audio/encode_helper.h"
#include "mmproj/mmproj_test_util.h"

namespace tandem::audio {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::vector<float> clip(double seconds) {
  auto s = testing::tone(440.0, seconds, 16000, 0.3);
  const auto chirp = testing::tone(1200.0, seconds, 16000, 0.1);
  for (size_t i = 0; i < s.size(); ++i) s[i] += chirp[i] * static_cast<float>(i % 7) / 7.0f;
  return s;
}

double max_abs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) m = std::max(m, static_cast<double>(std::fabs(x)));
  return m;
}

TEST(AudioEncoder, RowCountsAndMarkersPerProjector) {
  kernels::ThreadPool pool(2);
  const auto samples = clip(1.5);
  {
    const auto enc = AudioEncoder::open(tandem::testing::tiny_audio_mmproj("ultravox"));
    EXPECT_EQ(enc.projector_type(), mmproj::ProjectorType::Ultravox);
    EXPECT_EQ(enc.n_embd_out(), 40);
    EXPECT_EQ(enc.n_mel(), 128);
    // 1500 positions stacked 8 at a time, the last group zero-padded: ceil(1500 / 8).
    EXPECT_EQ(enc.rows_per_chunk(), 188);
    const auto e = enc.encode(samples, pool);
    ASSERT_EQ(e.chunks.size(), 1u);
    EXPECT_EQ(e.n_rows(), 188);
    EXPECT_EQ(e.chunks[0].rows.size(), 188u * 40);
    EXPECT_EQ(e.chunks[0].text_before, "");
    EXPECT_EQ(e.chunks[0].text_after, "");
    for (float v : e.chunks[0].rows) ASSERT_TRUE(std::isfinite(v));
    EXPECT_GT(max_abs(e.chunks[0].rows), 0.01);
  }
  {
    const auto enc = AudioEncoder::open(tandem::testing::tiny_audio_mmproj("qwen2a"));
    EXPECT_EQ(enc.rows_per_chunk(), 750);  // 1500 positions pooled 2 -> 1
    const auto e = enc.encode(samples, pool);
    ASSERT_EQ(e.chunks.size(), 1u);
    EXPECT_EQ(e.n_rows(), 750);
    EXPECT_EQ(e.chunks[0].text_before, "<|audio_bos|>");
    EXPECT_EQ(e.chunks[0].text_after, "<|audio_eos|>");
  }
}

TEST(AudioEncoder, LongClipsAreOneChunkPerWhole30Seconds) {
  // 61 s: two whole chunks of 3000 frames (the tail is dropped, as in llama.cpp); the
  // markers wrap the whole clip, not each chunk.
  kernels::ThreadPool pool(2);
  const auto enc = AudioEncoder::open(tandem::testing::tiny_audio_mmproj("qwen2a"));
  const auto e = enc.encode(clip(61.0), pool);
  ASSERT_EQ(e.chunks.size(), 2u);
  EXPECT_EQ(e.n_rows(), 1500);
  EXPECT_EQ(e.chunks[0].text_before, "<|audio_bos|>");
  EXPECT_EQ(e.chunks[0].text_after, "");
  EXPECT_EQ(e.chunks[1].text_before, "");
  EXPECT_EQ(e.chunks[1].text_after, "<|audio_eos|>");
  EXPECT_NE(e.chunks[0].rows, e.chunks[1].rows);
}

TEST(AudioEncoder, ThreadCountDoesNotChangeTheResult) {
  const auto enc = AudioEncoder::open(tandem::testing::tiny_audio_mmproj("ultravox", "F16"));
  const auto samples = clip(2.0);
  kernels::ThreadPool one(1), three(3);
  const auto a = enc.encode(samples, one), b = enc.encode(samples, three);
  ASSERT_EQ(a.chunks.size(), 1u);
  ASSERT_EQ(b.chunks.size(), 1u);
  const double m = max_abs(a.chunks[0].rows);
  double diff = 0;
  for (size_t i = 0; i < a.chunks[0].rows.size(); ++i)
    diff =
        std::max(diff, static_cast<double>(std::fabs(a.chunks[0].rows[i] - b.chunks[0].rows[i])));
  EXPECT_GT(m, 0.01);
  EXPECT_LT(diff, 1e-5 * m);
}

TEST(AudioEncoder, Q8_0FilesLoadAndStayCloseToF32) {
  // Same seed, so the same weights before quantization: Q8_0 rows stay near the F32 ones.
  kernels::ThreadPool pool(2);
  const auto samples = clip(1.0);
  for (const char* p : {"ultravox", "qwen2a"}) {
    const auto f32 = AudioEncoder::open(tandem::testing::tiny_audio_mmproj(p, "F32"));
    const auto q8 = AudioEncoder::open(tandem::testing::tiny_audio_mmproj(p, "Q8_0"));
    const auto a = f32.encode(samples, pool), b = q8.encode(samples, pool);
    ASSERT_EQ(a.n_rows(), b.n_rows()) << p;
    double diff = 0;
    for (size_t i = 0; i < a.chunks[0].rows.size(); ++i)
      diff =
          std::max(diff, static_cast<double>(std::fabs(a.chunks[0].rows[i] - b.chunks[0].rows[i])));
    EXPECT_LT(diff, 0.05 * max_abs(a.chunks[0].rows)) << p;
  }
}

TEST(AudioEncoder, FilesWithoutAudioOrWithBadTensorsFailNamingTheProblem) {
  EXPECT_THAT([] { AudioEncoder::open("/nonexistent/mmproj.gguf"); },
              ThrowsMessage<model::ModelFileError>(HasSubstr("/nonexistent/mmproj.gguf")));
  // A vision-only file has no audio encoder.
  EXPECT_THAT([] { AudioEncoder::open(tandem::testing::tiny_mmproj("gemma3")); },
              ThrowsMessage<model::ModelFileError>(HasSubstr("no audio encoder")));
  // A file with both encoders: the audio half loads from it.
  const auto both = AudioEncoder::open(tandem::testing::tiny_audio_mmproj("gemma3,ultravox"));
  EXPECT_EQ(both.rows_per_chunk(), 188);
  EXPECT_TRUE(both.file().has_vision());
  // Too few positions for a 30 s chunk.
  convert::MmprojSynthOptions o;
  o.projector = "qwen2a";
  o.audio = convert::audio_preset("tiny");
  o.audio.n_positions = 1000;
  o.n_embd_text = 40;
  o.type = "F32";
  const auto path = (std::filesystem::temp_directory_path() /
                     ("tandem-audio-short-pos-" + std::to_string(getpid()) + ".gguf"))
                        .string();
  convert::synth_mmproj(o, path);
  EXPECT_THAT([&] { AudioEncoder::open(path); },
              ThrowsMessage<model::ModelFileError>(HasSubstr("a.position_embd.weight holds 1000")));
}

TEST(AudioEncoder, AnEmptyClipIsAnAudioError) {
  kernels::ThreadPool pool(1);
  const auto enc = AudioEncoder::open(tandem::testing::tiny_audio_mmproj("ultravox"));
  EXPECT_THROW(enc.encode(std::vector<float>{}, pool), AudioError);
}

TEST(AudioEncoder, FlopsCountTheRealShape) {
  const auto enc = AudioEncoder::open(tandem::testing::tiny_audio_mmproj("ultravox"));
  // conv1 + conv2 + 2 layers on 1500 positions + projector, all multiply-adds x 2.
  const double n = 32, p = 1500, ff = 64;
  const double conv = 2 * n * 3 * (128.0 * 3000 + n * p);
  const double layers = 2 * (2 * p * (4 * n * n + 2 * n * ff) + 4 * p * p * n);
  const double proj = 2 * 188 * (256.0 * 64 + 32.0 * 40);
  EXPECT_DOUBLE_EQ(enc.flops_per_chunk(), conv + layers + proj);
}

}  // namespace
}  // namespace tandem::audio
