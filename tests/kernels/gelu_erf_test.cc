#include "kernels/activations.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "hwy/targets.h"

namespace tandem::kernels {
namespace {

double gelu_exact(double x) {
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

// Max of |ours - exact| / (1 + |x|) over inputs spanning the whole float range that matters.
double gelu_error(const std::vector<float>& x) {
  std::vector<float> y = x;
  gelu_erf(y.data(), static_cast<int64_t>(y.size()));
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i)
    worst = std::max(worst, std::abs(y[i] - gelu_exact(x[i])) / (1.0 + std::abs(x[i])));
  return worst;
}

std::vector<float> inputs() {
  std::vector<float> x;
  for (int i = -12000; i <= 12000; ++i) x.push_back(static_cast<float>(i) * 1e-3f);  // [-12, 12]
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 3.0f);
  for (int i = 0; i < 1001; ++i) x.push_back(nd(rng));  // an odd count: exercises the tail
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 50.0f, -50.0f, 1e6f, -1e6f, 3e38f, -3e38f})
    x.push_back(v);
  return x;
}

TEST(GeluErf, GeluErfMatchesTheExactGelu) {
  EXPECT_LT(gelu_error(inputs()), 3e-7);
  std::vector<float> y = {-1e6f, 1e6f, 0.0f, 1.0f, -1.0f};
  gelu_erf(y.data(), 5);
  EXPECT_EQ(y[0], -0.0f);  // far negative: exactly zero (GELU's left tail)
  EXPECT_EQ(y[1], 1e6f);   // far positive: the identity
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_NEAR(y[3], 0.8413447460685429, 3e-7);
  EXPECT_NEAR(y[4], -0.15865525393145707, 3e-7);
  gelu_erf(y.data(), 0);  // nothing to do
}

TEST(GeluErf, EveryHighwayTarget) {
  const auto x = inputs();
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    EXPECT_LT(gelu_error(x), 3e-7) << hwy::TargetName(target);
  }
  hwy::SetSupportedTargetsForTest(0);
}

}  // namespace
}  // namespace tandem::kernels
