#include "audio/conv_stem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernels/quant/quant_formats.h"

namespace tandem::audio {
namespace {

std::vector<float> random_vec(size_t n, std::mt19937& rng, float scale) {
  std::normal_distribution<float> nd(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = nd(rng);
  return v;
}

double gelu(double x) {
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

// Direct convolution in double: x [c][t] (channel-major) -> [o][t'].
std::vector<double> conv_ref(const std::vector<double>& x, int64_t ic, int64_t len,
                             const std::vector<float>& w, const std::vector<float>& b, int64_t oc,
                             int64_t stride, int64_t* out_len) {
  const int64_t n = (len + 2 - 3) / stride + 1;
  std::vector<double> y(static_cast<size_t>(oc * n));
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t t = 0; t < n; ++t) {
      double s = b[o];
      for (int64_t c = 0; c < ic; ++c)
        for (int64_t k = 0; k < 3; ++k) {
          const int64_t src = t * stride + k - 1;
          if (src >= 0 && src < len) s += double(w[(o * ic + c) * 3 + k]) * x[c * len + src];
        }
      y[o * n + t] = gelu(s);
    }
  *out_len = n;
  return y;
}

struct Case {
  int n_mel;
  int64_t n_frames;
  int64_t n_embd;
};

void run_case(const Case& cs, bool f16) {
  std::mt19937 rng(cs.n_mel * 131 + cs.n_frames);
  const auto mel = random_vec(size_t(cs.n_mel * cs.n_frames), rng, 1.0f);
  auto w1 = random_vec(size_t(cs.n_embd * cs.n_mel * 3), rng, 0.1f);
  const auto b1 = random_vec(size_t(cs.n_embd), rng, 0.1f);
  auto w2 = random_vec(size_t(cs.n_embd * cs.n_embd * 3), rng, 0.05f);
  const auto b2 = random_vec(size_t(cs.n_embd), rng, 0.1f);
  std::vector<uint16_t> h1, h2;
  ConvStemWeights w;
  if (f16) {
    for (float& v : w1) h1.push_back(kernels::f32_to_fp16(v)), v = kernels::fp16_to_f32(h1.back());
    for (float& v : w2) h2.push_back(kernels::f32_to_fp16(v)), v = kernels::fp16_to_f32(h2.back());
    w = {f16_weight(h1, cs.n_embd, cs.n_mel * 3), b1, f16_weight(h2, cs.n_embd, cs.n_embd * 3), b2};
  } else {
    w = {f32_weight(w1, cs.n_embd, cs.n_mel * 3), b1, f32_weight(w2, cs.n_embd, cs.n_embd * 3), b2};
  }
  kernels::ThreadPool pool(2);
  const auto got = whisper_conv_stem(mel, cs.n_mel, cs.n_frames, w, pool);

  int64_t len1 = 0, len2 = 0;
  const std::vector<double> x(mel.begin(), mel.end());
  const auto h = conv_ref(x, cs.n_mel, cs.n_frames, w1, b1, cs.n_embd, 1, &len1);
  const auto y = conv_ref(h, cs.n_embd, len1, w2, b2, cs.n_embd, 2, &len2);
  ASSERT_EQ(len2, (cs.n_frames - 1) / 2 + 1);
  ASSERT_EQ(got.size(), size_t(len2 * cs.n_embd));
  double worst = 0, scale = 0;
  for (int64_t t = 0; t < len2; ++t)
    for (int64_t o = 0; o < cs.n_embd; ++o) {
      const double want = y[o * len2 + t];  // reference is [o][t], ours [t][o]
      worst = std::max(worst, std::abs(got[t * cs.n_embd + o] - want));
      scale = std::max(scale, std::abs(want));
    }
  EXPECT_LT(worst / scale, 1e-5) << "n_mel " << cs.n_mel << " frames " << cs.n_frames;
}

TEST(WhisperConvStem, MatchesADirectConvolution) {
  // Odd and even lengths, lengths past one 512-position tile, channels not a multiple of 16.
  for (const Case cs : {Case{80, 3000, 24}, Case{16, 7, 20}, Case{128, 1101, 33}}) {
    run_case(cs, false);
    run_case(cs, true);
  }
}

TEST(WhisperConvStem, RefusesMismatchedShapes) {
  const std::vector<float> mel(80 * 10, 0.0f), w1(16 * 80 * 3), b(16), w2(16 * 16 * 3);
  kernels::ThreadPool pool(1);
  const ConvStemWeights ok{f32_weight(w1, 16, 240), b, f32_weight(w2, 16, 48), b};
  EXPECT_EQ(whisper_conv_stem(mel, 80, 10, ok, pool).size(), 5u * 16);
  EXPECT_THROW(whisper_conv_stem(mel, 80, 11, ok, pool), std::invalid_argument);
  EXPECT_THROW(whisper_conv_stem(mel, 40, 20, ok, pool), std::invalid_argument);  // conv1 cols
  const ConvStemWeights short_bias{f32_weight(w1, 16, 240), std::span(b).first(8),
                                   f32_weight(w2, 16, 48), b};
  EXPECT_THROW(whisper_conv_stem(mel, 80, 10, short_bias, pool), std::invalid_argument);
  EXPECT_THROW(f32_weight(w1, 16, 100), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::audio
