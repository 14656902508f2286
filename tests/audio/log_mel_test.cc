#include "audio/log_mel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "audio/audio_error.h"
#include "audio/encode_helper.h"
#include "audio/mel_filterbank.h"
#include "kernels/thread_pool.h"

namespace tandem::audio {
namespace {

using P = WhisperMelParams;
constexpr int kBins = P::kNFft / 2 + 1;

TEST(MelScale, SlaneyKnownPoints) {
  EXPECT_DOUBLE_EQ(hz_to_mel_slaney(0.0), 0.0);
  EXPECT_DOUBLE_EQ(hz_to_mel_slaney(500.0), 7.5);  // linear part: 3 mels / 200 Hz
  EXPECT_NEAR(hz_to_mel_slaney(1000.0), 15.0, 1e-12);
  EXPECT_NEAR(hz_to_mel_slaney(6400.0), 42.0, 1e-12);  // 27 mels per factor 6.4
  for (const double hz : {10.0, 999.0, 1001.0, 4321.0, 8000.0})
    EXPECT_NEAR(mel_to_hz_slaney(hz_to_mel_slaney(hz)), hz, 1e-9 * hz);
}

TEST(MelFilterbank, TrianglesBetweenTheirEdgesWithSlaneyArea) {
  for (const int n_mel : {80, 128}) {
    const auto fb = mel_filterbank(n_mel, P::kNFft, P::kSampleRate);
    ASSERT_EQ(fb.size(), size_t(n_mel) * kBins);
    const double bin_hz = double(P::kSampleRate) / P::kNFft;
    const double top = hz_to_mel_slaney(8000.0);
    for (int m = 0; m < n_mel; ++m) {
      const double lo = mel_to_hz_slaney(top * m / (n_mel + 1));
      const double hi = mel_to_hz_slaney(top * (m + 2) / (n_mel + 1));
      double area = 0;
      for (int k = 0; k < kBins; ++k) {
        const float w = fb[size_t(m) * kBins + k];
        const double f = k * bin_hz;
        ASSERT_GE(w, 0.0f);
        if (f <= lo || f >= hi) {
          EXPECT_EQ(w, 0.0f) << "mel " << m << " bin " << k;
        }
        // The peak height of a Slaney triangle is 2 / (hi - lo).
        EXPECT_LE(w, 2.0 / (hi - lo) * (1 + 1e-6));
        area += w * bin_hz;
      }
      // Sampled every 40 Hz, a triangle several bins wide keeps its unit area.
      if (hi - lo > 8 * bin_hz) {
        EXPECT_NEAR(area, 1.0, 0.05) << "mel " << m;
      }
    }
  }
}

TEST(MelFilterbank, HannWindowIsPeriodic) {
  const auto w = hann_window_periodic(400);
  EXPECT_FLOAT_EQ(w[0], 0.0f);
  EXPECT_FLOAT_EQ(w[200], 1.0f);
  EXPECT_NEAR(w[100], 0.5, 1e-7);
  EXPECT_NEAR(w[399], w[1], 1e-7);  // periodic: w[n - i] == w[i]
}

TEST(WhisperLogMel, ShortClipGivesOneChunkOfClipThenSilence) {
  const auto s = testing::tone(1000.0, 2.0, 16000);
  const LogMel full = whisper_log_mel_full(s, 80);
  EXPECT_EQ(full.n_frames, (P::kMinSamples - 400) / 160 + 1);  // 3098: padded to 31 s
  const auto chunks = whisper_log_mel(s, 80);
  ASSERT_EQ(chunks.size(), 1u);
  ASSERT_EQ(chunks[0].data.size(), 80u * 3000);

  // The tone lands in the filter whose centre is nearest 1 kHz.
  const int want =
      static_cast<int>(std::lround(hz_to_mel_slaney(1000.0) / (hz_to_mel_slaney(8000.0) / 81))) - 1;
  int best = 0;
  for (int m = 1; m < 80; ++m)
    if (full.at(m, 100) > full.at(best, 100)) best = m;
  EXPECT_NEAR(best, want, 1);
  // The global maximum maps to (max + 4) / 4 and frames well past the clip are clamped to
  // max - 8, i.e. one value, (max - 4) / 4.
  const float hi = *std::max_element(full.data.begin(), full.data.end());
  const float lo = *std::min_element(full.data.begin(), full.data.end());
  EXPECT_NEAR(hi - lo, 2.0f, 1e-5);  // the clamp spans 8 log10 units, / 4
  for (int m = 0; m < 80; ++m) EXPECT_EQ(full.at(m, 2500), lo);
  // The chunk is the first 3000 frames of the full matrix.
  for (int m = 0; m < 80; m += 7)
    for (int t = 0; t < 3000; t += 97)
      EXPECT_EQ(chunks[0].data[size_t(m) * 3000 + t], full.at(m, t));
}

TEST(WhisperLogMel, LongClipsDropTheTrailingPartialChunk) {
  // llama.cpp counts frames on the unpadded length: 45 s -> 4498 frames -> 1 chunk,
  // 61 s -> 6098 frames -> 2 chunks.
  const std::vector<float> s45(45 * 16000, 0.1f), s61(61 * 16000, 0.1f);
  EXPECT_EQ(whisper_log_mel_full(s45, 80).n_frames, 4498);
  EXPECT_EQ(whisper_log_mel(s45, 80).size(), 1u);
  EXPECT_EQ(whisper_log_mel(s61, 80).size(), 2u);
}

TEST(WhisperLogMel, ThePoolGivesTheSameBits) {
  auto s = testing::tone(440.0, 3.0, 16000);
  for (size_t i = 0; i < s.size(); ++i) s[i] += 0.01f * std::sin(float(i) * 0.37f);
  const LogMel one = whisper_log_mel_full(s, 128);
  kernels::ThreadPool pool(2);
  const LogMel two = whisper_log_mel_full(s, 128, &pool);
  EXPECT_EQ(one.data, two.data);
}

TEST(WhisperLogMel, RefusesEmptyInputAndBadBinCounts) {
  EXPECT_THROW(whisper_log_mel({}, 80), AudioError);
  const std::vector<float> s(100, 0.0f);
  EXPECT_THROW(whisper_log_mel(s, 0), std::invalid_argument);
  EXPECT_THROW(whisper_log_mel(s, 257), std::invalid_argument);
  EXPECT_EQ(whisper_log_mel(s, 128).size(), 1u);  // a 100-sample clip still makes one chunk
}

}  // namespace
}  // namespace tandem::audio
