// The acceptance rules and adaptive draft length, on synthetic distributions.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "spec/acceptance.h"
#include "spec/adaptive.h"
#include "support/spec_stats.h"

namespace tandem::spec {
namespace {

TEST(GreedyStep, AcceptsTheArgmaxOnly) {
  const Dist p{{3, 0.5f}, {7, 0.3f}, {1, 0.2f}};
  EXPECT_TRUE(greedy_step(p, 3).accepted);
  const auto d = greedy_step(p, 7);
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.token, 3);
}

TEST(GreedyStep, TiesGoToTheLowestId) {
  EXPECT_EQ(argmax(Dist{{9, 0.5f}, {4, 0.5f}}), 4);
}

TEST(Residual, IsTheNormalizedPositivePartOfPMinusQ) {
  const Dist p{{0, 0.5f}, {1, 0.3f}, {2, 0.2f}};
  const Dist q{{0, 0.7f}, {1, 0.1f}, {3, 0.2f}};
  const Dist r = residual(p, q);  // max(0, p-q) = {1: 0.2, 2: 0.2}
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NEAR(prob_of(r, 1), 0.5, 1e-6);
  EXPECT_NEAR(prob_of(r, 2), 0.5, 1e-6);
  EXPECT_EQ(prob_of(r, 0), 0.0);
}

TEST(Residual, FallsBackToPWhenPEqualsQ) {
  const Dist p{{0, 0.6f}, {1, 0.4f}};
  EXPECT_NEAR(prob_of(residual(p, p), 0), 0.6, 1e-6);
}

TEST(SamplingStep, AlwaysAcceptsWhenPDominatesQ) {
  const Dist p{{0, 0.9f}, {1, 0.1f}};
  const Dist q{{0, 0.5f}, {1, 0.5f}};
  auto u = [] { return 0.999; };
  EXPECT_TRUE(sampling_step(p, q, 0, u).accepted);
  EXPECT_FALSE(sampling_step(p, q, 1, u).accepted);  // accept prob 0.2
}

TEST(SamplingStep, RejectedTokenComesFromTheResidual) {
  const Dist p{{0, 0.2f}, {1, 0.8f}};
  const Dist q{{0, 0.9f}, {1, 0.1f}};
  int calls = 0;
  auto u = [&] { return ++calls == 1 ? 0.99 : 0.0; };
  const auto d = sampling_step(p, q, 0, u);
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.token, 1);  // the only token with p > q
  EXPECT_EQ(calls, 2);
}

// Draw x ~ q, apply the rule, tally the output: it must follow p, not q.
std::vector<double> simulate(const Dist& p, const Dist& q, bool always_accept, int n,
                             uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> counts(8, 0);
  auto uni = [&] { return u(g); };
  for (int i = 0; i < n; ++i) {
    const TokenId x = draw(q, uni());
    const TokenId t = always_accept ? x : sampling_step(p, q, x, uni).token;
    counts[static_cast<size_t>(t)] += 1;
  }
  return counts;
}

TEST(SamplingStep, OutputFollowsTheTargetAndTheCheckRejectsAlwaysAccept) {
  const Dist p{{0, 0.40f}, {1, 0.25f}, {2, 0.15f}, {3, 0.10f}, {4, 0.05f}, {5, 0.05f}};
  const Dist q{{0, 0.10f}, {1, 0.35f}, {2, 0.05f}, {3, 0.30f}, {6, 0.20f}};
  std::vector<double> expected(8, 0);
  for (const auto& e : p) expected[static_cast<size_t>(e.id)] = e.p;
  const int n = 20000;
  const auto good = test::chi_square(simulate(p, q, false, n, 42), expected);
  EXPECT_TRUE(good.pass) << "chi2 " << good.chi2 << " > " << good.threshold;
  const auto bad = test::chi_square(simulate(p, q, true, n, 42), expected);
  EXPECT_FALSE(bad.pass) << "always-accept passed: chi2 " << bad.chi2;
}

TEST(AdaptiveDraftLength, StartsAtMaxAndStaysInRange) {
  AdaptiveDraftLength k(1, 6);
  EXPECT_EQ(k.current(), 6);
  for (int i = 0; i < 10; ++i) k.update(k.current(), 0);
  EXPECT_EQ(k.current(), 1);
  for (int i = 0; i < 10; ++i) k.update(k.current(), k.current());
  EXPECT_EQ(k.current(), 6);
}

TEST(AdaptiveDraftLength, GrowsOnFullAcceptanceShrinksOnEarlyRejection) {
  AdaptiveDraftLength k(0, 8);
  k.update(8, 1);  // early rejection: shrink towards accepted + 1
  EXPECT_EQ(k.current(), 2);
  k.update(2, 2);
  EXPECT_EQ(k.current(), 3);
  k.update(3, 2);  // late rejection: keep
  EXPECT_EQ(k.current(), 3);
  k.update(0, 0);  // nothing drafted (p-min stop): no change
  EXPECT_EQ(k.current(), 3);
  k.update(2, 2);  // a short draft fully accepted (p-min stop) does not grow K
  EXPECT_EQ(k.current(), 3);
}

TEST(AdaptiveDraftLength, RejectsBadRanges) {
  EXPECT_THROW(AdaptiveDraftLength(3, 2), std::invalid_argument);
  EXPECT_THROW(AdaptiveDraftLength(0, 0), std::invalid_argument);
  EXPECT_THROW(AdaptiveDraftLength(-1, 4), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::spec
