#include "kernels/activations.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace tandem::kernels {
namespace {

std::vector<float> random_vec(int64_t n, std::mt19937& rng, float scale, float offset = 0) {
  std::normal_distribution<float> nd(offset, scale);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = nd(rng);
  return v;
}

const int64_t kSizes[] = {1, 7, 8, 16, 33, 172, 1152};

TEST(Activations, LayerNormMatchesScalarReference) {
  std::mt19937 rng(1);
  for (int64_t n : kSizes) {
    // A large offset: a one-pass variance would lose the small spread.
    auto x = random_vec(n, rng, 2.0f, 300.0f);
    auto w = random_vec(n, rng, 1.0f);
    auto b = random_vec(n, rng, 1.0f);
    std::vector<float> out(x.size());
    layer_norm(x.data(), w.data(), b.data(), out.data(), n, 1e-6f);
    long double mean = 0, var = 0;
    for (float v : x) mean += v;
    mean /= n;
    for (float v : x) var += (v - mean) * (v - mean);
    var /= n;
    for (int64_t i = 0; i < n; ++i) {
      const double ref = static_cast<double>((x[i] - mean) / std::sqrt(var + 1e-6L)) * w[i] + b[i];
      ASSERT_NEAR(out[i], ref, 1e-4 * (1 + std::fabs(ref))) << "n=" << n << " i=" << i;
    }
    // Null weight and bias mean 1 and 0; in place works.
    std::vector<float> plain(x);
    layer_norm(plain.data(), nullptr, nullptr, plain.data(), n, 1e-6f);
    for (int64_t i = 0; i < n; ++i)
      ASSERT_NEAR(plain[i], (out[i] - b[i]) / w[i], 1e-3 * (1 + std::fabs(plain[i])));
  }
}

void check_activation(void (*f)(float*, int64_t), double (*ref)(double), double tol) {
  std::mt19937 rng(2);
  for (int64_t n : kSizes) {
    auto x = random_vec(n, rng, 3.0f);
    if (n > 4) {  // extremes: exp must not overflow into NaN
      x[0] = 100.0f;
      x[1] = -100.0f;
      x[2] = 0.0f;
    }
    auto y = x;
    f(y.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      const double r = ref(x[i]);
      ASSERT_NEAR(y[i], r, tol * (1 + std::fabs(r))) << "x=" << x[i];
    }
  }
}

TEST(Activations, GeluTanh) {
  check_activation(
      gelu_tanh,
      [](double x) {
        return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
      },
      2e-6);
}

TEST(Activations, GeluErf) {
  check_activation(
      gelu_erf, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }, 2e-6);
}

TEST(Activations, GeluQuick) {
  check_activation(
      gelu_quick, [](double x) { return x / (1 + std::exp(-1.702 * x)); }, 2e-6);
}

TEST(Activations, Silu) {
  check_activation(
      silu, [](double x) { return x / (1 + std::exp(-x)); }, 2e-6);
}

TEST(Activations, GeluVariantsDiffer) {
  // The three GELUs are close but not equal: a mix-up between them must show.
  float a[] = {1.5f}, b[] = {1.5f}, c[] = {1.5f};
  gelu_tanh(a, 1);
  gelu_erf(b, 1);
  gelu_quick(c, 1);
  EXPECT_GT(std::fabs(a[0] - b[0]), 1e-5);
  EXPECT_GT(std::fabs(a[0] - c[0]), 1e-3);
}

}  // namespace
}  // namespace tandem::kernels
