#include "kernels/ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "hwy/targets.h"

namespace tandem::kernels {
namespace {

std::vector<float> random_vec(int64_t n, std::mt19937& rng, float scale = 1.0f) {
  std::normal_distribution<float> nd(0.0f, scale);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = nd(rng);
  return v;
}

const int64_t kSizes[] = {1, 7, 8, 16, 33, 172, 2048};

void check_rmsnorm() {
  std::mt19937 rng(1);
  for (int64_t n : kSizes) {
    auto x = random_vec(n, rng, 3.0f);
    auto w = random_vec(n, rng);
    std::vector<float> out(x.size());
    rmsnorm(x.data(), w.data(), out.data(), n, 1e-5f);
    double ss = 0;
    for (float v : x) ss += static_cast<double>(v) * v;
    const double scale = 1.0 / std::sqrt(ss / n + 1e-5);
    for (int64_t i = 0; i < n; ++i)
      ASSERT_NEAR(out[i], x[i] * scale * w[i], 1e-5 * (1 + std::fabs(x[i] * scale * w[i])));
    // In place.
    rmsnorm(x.data(), w.data(), x.data(), n, 1e-5f);
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(x[i], out[i]);
  }
}

void rope_reference(std::vector<float>& x, int64_t n_heads, int64_t pos, const RopeParams& p) {
  const int64_t half = p.rot_dims / 2;
  for (int64_t h = 0; h < n_heads; ++h) {
    float* v = x.data() + h * p.head_dim;
    for (int64_t i = 0; i < half; ++i) {
      double theta =
          pos * p.freq_scale * std::pow(static_cast<double>(p.freq_base), -2.0 * i / p.rot_dims);
      if (p.freq_factors) theta /= p.freq_factors[i];
      const int64_t a = p.neox ? i : 2 * i;
      const int64_t b = p.neox ? i + half : 2 * i + 1;
      const double x0 = v[a], x1 = v[b];
      v[a] = static_cast<float>(x0 * std::cos(theta) - x1 * std::sin(theta));
      v[b] = static_cast<float>(x0 * std::sin(theta) + x1 * std::cos(theta));
    }
  }
}

TEST(Ops, RopeVariants) {
  std::mt19937 rng(2);
  std::vector<float> factors(32);
  for (size_t i = 0; i < factors.size(); ++i) factors[i] = 1.0f + 0.25f * static_cast<float>(i);
  struct Case {
    int64_t head_dim, rot_dims;
    bool neox;
    float scale;
    bool use_factors;
  };
  const Case cases[] = {
      {64, 64, false, 1.0f, false},  {64, 64, true, 1.0f, false}, {128, 64, false, 1.0f, false},
      {128, 64, true, 0.25f, false}, {64, 64, false, 1.0f, true}, {64, 32, true, 0.5f, true},
  };
  for (const Case& c : cases) {
    for (int64_t pos : {0, 1, 17, 500}) {
      RopeParams p;
      p.head_dim = c.head_dim;
      p.rot_dims = c.rot_dims;
      p.freq_base = 10000.0f;
      p.freq_scale = c.scale;
      p.neox = c.neox;
      p.freq_factors = c.use_factors ? factors.data() : nullptr;
      const int64_t n_heads = 3;
      auto x = random_vec(n_heads * c.head_dim, rng);
      auto want = x;
      rope_reference(want, n_heads, pos, p);
      auto got = x;
      rope(got.data(), n_heads, pos, p);
      for (size_t i = 0; i < x.size(); ++i) {
        const int64_t d = static_cast<int64_t>(i) % c.head_dim;
        if (d >= c.rot_dims) {
          ASSERT_EQ(got[i], x[i]) << "dims past rot_dims must not change";
        } else {
          // ggml's float recurrence for theta drifts ~1e-6 relative per step.
          ASSERT_NEAR(got[i], want[i], 2e-3 + 1e-3 * std::fabs(want[i]))
              << "neox=" << c.neox << " pos=" << pos << " i=" << i;
        }
      }
    }
  }
}

// YaRN against the paper's definition in doubles: pairs below corr_dims[0] keep the
// extrapolated angle, pairs above corr_dims[1] the interpolated one, a linear ramp between,
// and every pair is scaled by attn_factor * (1 + 0.1 ln(1/scale)).
TEST(Ops, RopeYarnRampsBetweenInterpolationAndExtrapolation) {
  std::mt19937 rng(4);
  RopeParams p;
  p.head_dim = p.rot_dims = 64;
  p.freq_base = 10000.0f;
  p.freq_scale = 0.25f;
  p.ext_factor = 1.0f;
  p.attn_factor = 0.9f;
  yarn_corr_dims(p.rot_dims, 32, p.freq_base, 32.0f, 1.0f, p.corr_dims);
  // ggml: n_dims * ln(32 / (beta * 2 pi)) / (2 ln 10000) -> floor / ceil, clamped.
  const auto dim = [](double beta) {
    return 64 * std::log(32 / (beta * 2 * M_PI)) / (2 * std::log(10000.0));
  };
  EXPECT_EQ(p.corr_dims[0], std::max(0.0, std::floor(dim(32))));
  EXPECT_EQ(p.corr_dims[1], std::min(63.0, std::ceil(dim(1))));
  ASSERT_LT(p.corr_dims[0], p.corr_dims[1]);
  const double mscale = 0.9 * (1 + 0.1 * std::log(4.0));
  for (int64_t pos : {1, 40, 100}) {
    auto x = random_vec(64, rng);
    auto got = x;
    rope(got.data(), 1, pos, p);
    for (int64_t i = 0; i < 32; ++i) {
      const double extrap = pos * std::pow(10000.0, -2.0 * i / 64);
      const double y =
          (i - p.corr_dims[0]) / std::max(0.001, double(p.corr_dims[1] - p.corr_dims[0]));
      const double ramp = 1 - std::min(1.0, std::max(0.0, y));
      const double theta = 0.25 * extrap * (1 - ramp) + extrap * ramp;
      const double x0 = x[2 * i], x1 = x[2 * i + 1];
      EXPECT_NEAR(got[2 * i], mscale * (x0 * std::cos(theta) - x1 * std::sin(theta)), 2e-3) << i;
      EXPECT_NEAR(got[2 * i + 1], mscale * (x0 * std::sin(theta) + x1 * std::cos(theta)), 2e-3)
          << i;
    }
  }
}

TEST(Ops, RopePositionZeroIsIdentityAndNormPreserved) {
  std::mt19937 rng(3);
  RopeParams p;
  p.head_dim = p.rot_dims = 64;
  auto x = random_vec(64, rng);
  auto y = x;
  rope(y.data(), 1, 0, p);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(y[i], x[i]);
  rope(y.data(), 1, 12345, p);
  double n0 = 0, n1 = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    n0 += x[i] * x[i];
    n1 += y[i] * y[i];
  }
  EXPECT_NEAR(n0, n1, 1e-4 * n0);
}

void check_softmax() {
  std::mt19937 rng(4);
  for (int64_t n : kSizes) {
    auto x = random_vec(n, rng, 5.0f);
    x[0] += 1000.0f;  // large values must not overflow
    auto y = x;
    softmax(y.data(), n);
    double mx = x[0];
    for (float v : x) mx = std::max(mx, static_cast<double>(v));
    double sum = 0;
    for (float v : x) sum += std::exp(v - mx);
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_NEAR(y[i], std::exp(x[i] - mx) / sum, 1e-6);
      total += y[i];
    }
    EXPECT_NEAR(total, 1.0, 1e-5);
  }
  std::vector<float> masked = {1.0f, -INFINITY, 2.0f};
  softmax(masked.data(), 3);
  EXPECT_EQ(masked[1], 0.0f);
  EXPECT_NEAR(masked[0] + masked[2], 1.0f, 1e-6);
}

void check_silu_mul() {
  std::mt19937 rng(5);
  for (int64_t n : kSizes) {
    auto g = random_vec(n, rng, 4.0f);
    auto u = random_vec(n, rng);
    if (n > 2) {
      g[0] = -200.0f;
      g[1] = 200.0f;
    }
    auto out = g;
    silu_mul(out.data(), u.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      const double s = g[i] / (1.0 + std::exp(-static_cast<double>(g[i])));
      ASSERT_NEAR(out[i], s * u[i], 1e-5 * (1 + std::fabs(s * u[i]))) << g[i];
    }
  }
}

void check_add() {
  std::mt19937 rng(6);
  for (int64_t n : kSizes) {
    auto y = random_vec(n, rng);
    auto x = random_vec(n, rng);
    auto want = y;
    for (int64_t i = 0; i < n; ++i) want[i] += x[i];
    add(y.data(), x.data(), n);
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(y[i], want[i]);
  }
}

TEST(Ops, RmsNorm) {
  check_rmsnorm();
}

TEST(Ops, Softmax) {
  check_softmax();
}

TEST(Ops, SiluMul) {
  check_silu_mul();
}

TEST(Ops, Add) {
  check_add();
}

// The vector ops on every compiled target the CPU runs (AVX-512, AVX2, SSE4, scalar): the
// narrower paths are what other machines run.
TEST(Ops, EveryHighwayTarget) {
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    check_rmsnorm();
    check_softmax();
    check_silu_mul();
    check_add();
  }
  hwy::SetSupportedTargetsForTest(0);
}

}  // namespace
}  // namespace tandem::kernels
