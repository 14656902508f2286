#include "engine/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

namespace tandem::engine {
namespace {

// No truncation, temperature 1: distribution() is the plain softmax of (penalized) logits.
SamplerParams plain() {
  SamplerParams p;
  p.temperature = 1.0f;
  p.top_k = 0;
  p.top_p = 1.0f;
  p.min_p = 0.0f;
  return p;
}

std::vector<double> softmax(const std::vector<float>& logits, double t = 1.0) {
  const double mx = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) p[i] = std::exp((logits[i] - mx) / t);
  const double sum = std::accumulate(p.begin(), p.end(), 0.0);
  for (double& x : p) x /= sum;
  return p;
}

std::vector<float> log_probs(const std::vector<double>& probs) {
  std::vector<float> l;
  for (double p : probs) l.push_back(static_cast<float>(std::log(p)));
  return l;
}

std::vector<float> random_logits(size_t n, uint64_t seed, float scale = 4.0f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);  // only the values matter, not portability
  std::vector<float> l(n);
  for (float& x : l) x = d(rng);
  return l;
}

std::vector<TokenId> ids_of(const std::vector<TokenProb>& dist) {
  std::vector<TokenId> ids;
  for (const auto& tp : dist) ids.push_back(tp.id);
  return ids;
}

// Checks dist is exactly `expected` (prob per id, 0 = absent), in descending order.
void expect_dist(const std::vector<TokenProb>& dist, const std::vector<double>& expected,
                 double tol = 1e-5) {
  size_t nonzero = 0;
  for (double p : expected) nonzero += p > 0.0;
  ASSERT_EQ(dist.size(), nonzero);
  for (size_t i = 0; i < dist.size(); ++i) {
    EXPECT_NEAR(dist[i].p, expected[static_cast<size_t>(dist[i].id)], tol) << "id " << dist[i].id;
    if (i > 0) {
      EXPECT_GE(dist[i - 1].p, dist[i].p);
    }
  }
}

TEST(SamplerTest, GreedyIsArgmaxWithLowestIdOnTies) {
  const std::vector<float> logits = {1.0f, 3.0f, -2.0f, 3.0f, 2.5f};
  for (float t : {0.0f, -1.0f}) {
    SamplerParams p;
    p.temperature = t;
    Sampler s(p, 5);
    const auto dist = s.distribution(logits);
    ASSERT_EQ(dist.size(), 1u);
    EXPECT_EQ(dist[0].id, 1);
    EXPECT_EQ(dist[0].p, 1.0f);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(s.sample(logits), 1);
  }
}

TEST(SamplerTest, TopKOneEqualsGreedyAtAnyTemperature) {
  std::vector<float> logits = random_logits(1000, 7);
  logits[321] = logits[654] = 50.0f;  // a tie: both must resolve to 321
  SamplerParams greedy;
  greedy.temperature = 0.0f;
  const TokenId want = Sampler(greedy, 1000).distribution(logits)[0].id;
  EXPECT_EQ(want, 321);
  for (float t : {0.01f, 0.7f, 1.0f, 5.0f, 1000.0f}) {
    SamplerParams p;
    p.temperature = t;
    p.top_k = 1;
    Sampler s(p, 1000);
    const auto dist = s.distribution(logits);
    ASSERT_EQ(dist.size(), 1u) << "t=" << t;
    EXPECT_EQ(dist[0].id, want);
    EXPECT_EQ(dist[0].p, 1.0f);
    EXPECT_EQ(s.sample(logits), want);
  }
}

TEST(SamplerTest, TopKKeepsHighestAndAppliesTemperature) {
  const std::vector<float> logits = {0.1f, 2.0f, -1.0f, 1.5f, 3.0f, 0.0f};
  SamplerParams p = plain();
  p.top_k = 3;
  p.temperature = 2.0f;
  const auto dist = Sampler(p, 6).distribution(logits);
  EXPECT_EQ(ids_of(dist), (std::vector<TokenId>{4, 1, 3}));
  const auto sm = softmax({3.0f, 2.0f, 1.5f}, 2.0);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(dist[i].p, sm[i], 1e-6);
}

TEST(SamplerTest, TopPKeepsSmallestPrefixReachingMass) {
  const std::vector<float> logits = log_probs({0.1, 0.4, 0.2, 0.3});
  const auto run = [&](float top_p, float t) {
    SamplerParams p = plain();
    p.top_p = top_p;
    p.temperature = t;
    return Sampler(p, 4).distribution(logits);
  };
  EXPECT_EQ(ids_of(run(0.35f, 1.0f)), (std::vector<TokenId>{1}));
  EXPECT_EQ(ids_of(run(0.65f, 1.0f)), (std::vector<TokenId>{1, 3}));  // 0.4 < p <= 0.7
  EXPECT_EQ(ids_of(run(0.75f, 1.0f)), (std::vector<TokenId>{1, 3, 2}));
  EXPECT_EQ(ids_of(run(0.95f, 1.0f)), (std::vector<TokenId>{1, 3, 2, 0}));
  expect_dist(run(0.65f, 1.0f), {0.0, 0.4 / 0.7, 0.0, 0.3 / 0.7});
  // Mass is measured before temperature (llama.cpp order), so a hot sampler keeps the same set.
  EXPECT_EQ(ids_of(run(0.65f, 3.0f)), (std::vector<TokenId>{1, 3}));
}

TEST(SamplerTest, MinPDropsTokensBelowFractionOfMax) {
  const std::vector<float> logits = log_probs({0.04, 0.5, 0.2, 0.01, 0.25});
  SamplerParams p = plain();
  p.min_p = 0.1f;  // threshold 0.05: drops 0.04 and 0.01
  expect_dist(Sampler(p, 5).distribution(logits), {0.0, 0.5 / 0.95, 0.2 / 0.95, 0.0, 0.25 / 0.95});
  p.min_p = 0.45f;  // threshold 0.225
  EXPECT_EQ(ids_of(Sampler(p, 5).distribution(logits)), (std::vector<TokenId>{1, 4}));
  p.min_p = 1.0f;  // only the max survives
  EXPECT_EQ(ids_of(Sampler(p, 5).distribution(logits)), (std::vector<TokenId>{1}));
}

TEST(SamplerTest, RepeatPenaltyLowersRepeatedTokens) {
  const std::vector<float> logits = {2.0f, -1.0f, 0.5f, 0.0f};
  SamplerParams p = plain();
  p.repeat_penalty = 2.0f;
  Sampler s(p, 4);
  const auto before = s.distribution(logits);
  s.accept(0);  // positive logit: divided
  s.accept(1);  // negative logit: multiplied
  s.accept(1);  // repeats don't compound
  const auto after = s.distribution(logits);
  expect_dist(after, softmax({1.0f, -2.0f, 0.5f, 0.0f}));
  const auto p_of = [](const std::vector<TokenProb>& d, TokenId id) {
    for (const auto& tp : d) {
      if (tp.id == id) return tp.p;
    }
    return 0.0f;
  };
  EXPECT_LT(p_of(after, 0), p_of(before, 0));
  EXPECT_LT(p_of(after, 1), p_of(before, 1));
  s.reset();
  expect_dist(s.distribution(logits), softmax(logits));
}

TEST(SamplerTest, RepeatWindowForgetsOldTokens) {
  const std::vector<float> logits = {2.0f, 1.0f, 0.5f, 0.0f};
  SamplerParams p = plain();
  p.repeat_penalty = 4.0f;
  p.repeat_last_n = 2;
  Sampler s(p, 4);
  for (TokenId id : {0, 2, 3}) s.accept(id);  // 0 has slid out of the window
  expect_dist(s.distribution(logits), softmax({2.0f, 1.0f, 0.125f, 0.0f}));

  p.repeat_last_n = 0;  // disabled
  Sampler off(p, 4);
  off.accept(0);
  expect_dist(off.distribution(logits), softmax(logits));

  p.repeat_last_n = -1;  // everything
  Sampler all(p, 4);
  for (int i = 0; i < 100; ++i) all.accept(3);
  all.accept(0);
  expect_dist(all.distribution(logits), softmax({0.5f, 1.0f, 0.5f, 0.0f}));
}

TEST(SamplerTest, PresenceAndFrequencyPenalties) {
  const std::vector<float> logits = {1.0f, 1.0f, 1.0f, -0.5f};
  SamplerParams p = plain();
  p.presence_penalty = 0.5f;
  p.frequency_penalty = 0.25f;
  Sampler s(p, 4);
  for (TokenId id : {0, 0, 0, 1, 3}) s.accept(id);
  // Token 0: 1 - 3*0.25 - 0.5; token 1: 1 - 0.25 - 0.5; token 3: -0.5 - 0.25 - 0.5.
  expect_dist(s.distribution(logits), softmax({-0.25f, 0.25f, 1.0f, -1.25f}));

  // Negative values encourage repetition instead.
  p.presence_penalty = -1.0f;
  p.frequency_penalty = 0.0f;
  Sampler boost(p, 4);
  boost.accept(3);
  expect_dist(boost.distribution(logits), softmax({1.0f, 1.0f, 1.0f, 0.5f}));
}

TEST(SamplerTest, PenaltiesApplyToGreedy) {
  SamplerParams p;
  p.temperature = 0.0f;
  p.repeat_penalty = 3.0f;
  Sampler s(p, 3);
  const std::vector<float> logits = {3.0f, 2.0f, 0.0f};
  EXPECT_EQ(s.sample(logits), 0);
  s.accept(0);
  EXPECT_EQ(s.sample(logits), 1);
}

TEST(SamplerTest, SeedDeterminesSequence) {
  const std::vector<float> logits = random_logits(50, 3, 1.0f);
  SamplerParams p;
  p.seed = 1234;
  const auto draw = [&](Sampler& s) {
    std::vector<TokenId> seq;
    for (int i = 0; i < 200; ++i) {
      seq.push_back(s.sample(logits));
      s.accept(seq.back());
    }
    return seq;
  };
  Sampler a(p, 50), b(p, 50);
  const auto seq_a = draw(a);
  EXPECT_EQ(seq_a, draw(b));
  a.reset();  // reset replays from the seed with an empty history
  EXPECT_EQ(seq_a, draw(a));
  p.seed = 1235;
  Sampler c(p, 50);
  EXPECT_NE(seq_a, draw(c));
}

TEST(SamplerTest, NextUniformIsDeterministicInUnitInterval) {
  SamplerParams p;
  p.seed = 42;
  Sampler a(p, 1), b(p, 1);
  double sum = 0.0;
  for (int i = 0; i < 10000; ++i) {
    const double u = a.next_uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_EQ(u, b.next_uniform());
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
  // Pinned to mt19937_64's first output so the stream can't silently change.
  Sampler c(p, 1);
  std::mt19937_64 ref(42);
  EXPECT_EQ(c.next_uniform(), static_cast<double>(ref() >> 11) * 0x1.0p-53);
}

TEST(SamplerTest, EmpiricalFrequenciesMatchSoftmax) {
  const std::vector<float> logits = {0.0f, 0.5f, 1.0f, -1.0f, 2.0f, 0.3f, -0.5f, 1.5f};
  SamplerParams p = plain();
  p.seed = 2024;
  Sampler s(p, 8);
  constexpr int kDraws = 20000;
  std::vector<int> counts(8, 0);
  for (int i = 0; i < kDraws; ++i) ++counts[static_cast<size_t>(s.sample(logits))];
  const auto expected = softmax(logits);
  double chi2 = 0.0;
  for (size_t i = 0; i < 8; ++i) {
    const double e = expected[i] * kDraws;
    chi2 += (counts[i] - e) * (counts[i] - e) / e;
  }
  // 7 degrees of freedom: P(chi2 > 24.3) = 0.001 for a correct sampler.
  EXPECT_LT(chi2, 24.3) << "chi-square " << chi2;
}

// Straightforward llama.cpp chain (full sort, filters in order) to check the shortcuts.
std::vector<TokenProb> reference(const SamplerParams& p, const std::vector<float>& logits) {
  std::vector<std::pair<float, TokenId>> c;
  for (size_t i = 0; i < logits.size(); ++i) c.push_back({logits[i], static_cast<TokenId>(i)});
  std::sort(c.begin(), c.end(), [](auto& a, auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  if (p.top_k > 0 && static_cast<size_t>(p.top_k) < c.size()) c.resize(p.top_k);
  const auto probs = [&](double t) {
    std::vector<float> l;
    for (auto& [x, id] : c) l.push_back(x);
    return softmax(l, t);
  };
  auto sm = probs(1.0);
  double cum = 0.0;
  for (size_t i = 0; i < c.size(); ++i) {
    cum += sm[i];
    if (cum >= p.top_p) {
      c.resize(i + 1);
      break;
    }
  }
  sm = probs(1.0);
  size_t keep = 0;
  while (keep < c.size() && sm[keep] >= p.min_p * sm[0]) ++keep;
  c.resize(keep);
  sm = probs(p.temperature);
  std::vector<TokenProb> out;
  for (size_t i = 0; i < c.size(); ++i) out.push_back({c[i].second, static_cast<float>(sm[i])});
  return out;
}

TEST(SamplerTest, LargeVocabMatchesReferenceChain) {
  constexpr int32_t kVocab = 128256;
  const std::vector<float> logits = random_logits(kVocab, 99, 3.0f);
  struct Case {
    int32_t top_k;
    float top_p, min_p, temperature;
  };
  for (const Case& cs :
       {Case{40, 0.95f, 0.05f, 0.8f}, Case{0, 0.9f, 0.0f, 1.0f}, Case{0, 0.5f, 0.01f, 1.3f},
        Case{0, 1.0f, 0.2f, 0.5f}, Case{100, 1.0f, 0.0f, 2.0f}}) {
    SamplerParams p;
    p.top_k = cs.top_k;
    p.top_p = cs.top_p;
    p.min_p = cs.min_p;
    p.temperature = cs.temperature;
    const auto got = Sampler(p, kVocab).distribution(logits);
    const auto want = reference(p, logits);
    ASSERT_EQ(ids_of(got), ids_of(want)) << "top_k=" << cs.top_k << " top_p=" << cs.top_p;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i].p, want[i].p, 1e-6);
  }
}

TEST(SamplerTest, NonFiniteLogits) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const std::vector<float> logits = {-kInf, std::nanf(""), 0.0f, 0.0f};
  SamplerParams p = plain();
  Sampler s(p, 4);
  expect_dist(s.distribution(logits), {0.0, 0.0, 0.5, 0.5});
  for (int i = 0; i < 100; ++i) EXPECT_GE(s.sample(logits), 2);
  EXPECT_THROW(s.distribution(std::vector<float>(4, -kInf)), std::invalid_argument);
}

TEST(SamplerTest, InvalidParamsThrow) {
  const auto make = [](auto mutate) {
    SamplerParams p;
    mutate(p);
    return Sampler(p, 10);
  };
  const float nan = std::nanf("");
  EXPECT_THROW(make([](SamplerParams& p) { p.top_p = 0.0f; }), std::invalid_argument);
  EXPECT_THROW(make([](SamplerParams& p) { p.top_p = 1.5f; }), std::invalid_argument);
  EXPECT_THROW(make([&](SamplerParams& p) { p.top_p = nan; }), std::invalid_argument);
  EXPECT_THROW(make([](SamplerParams& p) { p.repeat_penalty = 0.0f; }), std::invalid_argument);
  EXPECT_THROW(make([](SamplerParams& p) { p.repeat_penalty = -1.0f; }), std::invalid_argument);
  EXPECT_THROW(make([&](SamplerParams& p) { p.repeat_penalty = nan; }), std::invalid_argument);
  EXPECT_THROW(make([&](SamplerParams& p) { p.temperature = nan; }), std::invalid_argument);
  EXPECT_THROW(make([](SamplerParams& p) { p.min_p = 1.5f; }), std::invalid_argument);
  EXPECT_THROW(make([](SamplerParams& p) { p.repeat_last_n = -2; }), std::invalid_argument);
  EXPECT_THROW(make([&](SamplerParams& p) { p.presence_penalty = nan; }), std::invalid_argument);
  EXPECT_THROW(Sampler(SamplerParams{}, 0), std::invalid_argument);
  EXPECT_NO_THROW(make([](SamplerParams& p) { p.temperature = -1.0f; }));
  EXPECT_NO_THROW(make([](SamplerParams& p) { p.top_p = 1.0f; }));

  try {
    make([](SamplerParams& p) { p.top_p = 2.0f; });
    FAIL() << "expected a throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("top_p"), std::string::npos) << e.what();
  }

  Sampler s(SamplerParams{}, 10);
  EXPECT_THROW(s.distribution(std::vector<float>(9, 0.0f)), std::invalid_argument);
  EXPECT_THROW(s.accept(10), std::out_of_range);
  EXPECT_THROW(s.accept(-1), std::out_of_range);
}

}  // namespace
}  // namespace tandem::engine
