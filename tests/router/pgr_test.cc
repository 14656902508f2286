// The PGR curve maths (router/pgr.h), the router evaluation over rows, the learned scorer and
// the next-token statistics, on hand-computed cases.
#include "router/pgr.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "router/linear_scorer.h"
#include "router/node_quality.h"
#include "router/router_eval.h"

namespace tandem::router {
namespace {

// Edge 0 everywhere; the cloud gains 3, 1, 0 on three prompts (mean gap 4/3).
std::vector<RoutedItem> three() {
  return {{0, 3, 10}, {0, 1, 5}, {0, 0, 1}};
}

TEST(Pgr, CurveSendsTheHighestScoresFirst) {
  const auto c = pgr_curve(three());
  EXPECT_DOUBLE_EQ(c.q_edge, 0);
  EXPECT_DOUBLE_EQ(c.q_cloud, 4.0 / 3);
  ASSERT_EQ(c.points.size(), 4u);
  EXPECT_DOUBLE_EQ(c.points[1].share, 1.0 / 3);
  EXPECT_DOUBLE_EQ(c.points[1].pgr, 0.75);
  EXPECT_DOUBLE_EQ(c.points[1].threshold, 7.5);  // cloud iff score > 7.5: just the first
  EXPECT_DOUBLE_EQ(c.points[2].pgr, 1.0);
  EXPECT_DOUBLE_EQ(c.points[3].pgr, 1.0);
  // Trapezoids: (0 + .75)/2/3 + (.75 + 1)/2/3 + (1 + 1)/2/3.
  EXPECT_NEAR(apgr(c), (0.375 + 0.875 + 1.0) / 3, 1e-12);
}

TEST(Pgr, AReversedRouterIsWorseThanRandom) {
  auto items = three();
  for (auto& it : items) it.score = -it.score;
  const auto c = pgr_curve(items);
  EXPECT_LT(apgr(c), 0.5);
  const auto p = first_reaching(c, 0.8);
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->share, 1.0);
}

TEST(Pgr, TiesMoveTogether) {
  std::vector<RoutedItem> items = {{0, 2, 1}, {0, 0, 1}, {0, 1, 0}};
  const auto c = pgr_curve(items);
  ASSERT_EQ(c.points.size(), 3u);  // share 0, 2/3 (the tie), 1
  EXPECT_DOUBLE_EQ(c.points[1].share, 2.0 / 3);
  EXPECT_DOUBLE_EQ(c.points[1].pgr, 2.0 / 3);
}

TEST(Pgr, FirstReachingAndFixedPoints) {
  const auto c = pgr_curve(three());
  EXPECT_DOUBLE_EQ(first_reaching(c, 0.5)->share, 1.0 / 3);
  EXPECT_DOUBLE_EQ(first_reaching(c, 0.95)->share, 2.0 / 3);
  const bool to_cloud[] = {false, true, false};
  const auto p = pgr_point(three(), to_cloud);
  EXPECT_DOUBLE_EQ(p.share, 1.0 / 3);
  EXPECT_DOUBLE_EQ(p.pgr, 0.25);
}

TEST(Pgr, NoGapIsNotDefined) {
  const std::vector<RoutedItem> items = {{1, 0, 1}, {1, 0.5, 2}};
  EXPECT_FALSE(pgr_curve(items).defined());
  EXPECT_THROW(pgr_curve(std::vector<RoutedItem>{}), std::invalid_argument);
  EXPECT_THROW(pgr_curve(std::vector<RoutedItem>{{NAN, 0, 0}}), std::invalid_argument);
}

std::vector<PairRow> rows() {
  std::vector<PairRow> r(4);
  const double gain[] = {2, 0, 1, 0};
  for (int i = 0; i < 4; ++i) {
    r[i].domain = i < 2 ? "story" : "code";
    r[i].q_edge = -3;
    r[i].q_cloud = -3 + gain[i];
    r[i].ppl = 10 - i;  // the perplexity order is not the gain order
    r[i].prompt_tokens = 10 + i;
    r[i].intent_cloud = i >= 2;
  }
  return r;
}

TEST(RouterEval, OracleRandomAndIntent) {
  const auto r = rows();
  for (const auto& spec : baseline_routers()) {
    const auto res = evaluate_router(spec, r, Quality::kTeacherForced, {0.5, 1.0});
    if (spec.name == "oracle") {
      EXPECT_DOUBLE_EQ(res.share_for[1].second.value(), 0.5);  // both gains, 2 of 4
    } else if (spec.name == "random") {
      EXPECT_DOUBLE_EQ(res.apgr, 0.5);
    } else if (spec.name == "intent") {
      ASSERT_TRUE(res.point);
      EXPECT_DOUBLE_EQ(res.point->share, 0.5);
      EXPECT_DOUBLE_EQ(res.point->pgr, 1.0 / 3);  // gain 1 of 3
    }
  }
  EXPECT_EQ(rows_of(r, "code").size(), 2u);
}

TEST(LinearScorer, RecoversALinearRule) {
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (int i = 0; i < 20; ++i) {
    x.push_back({static_cast<double>(i), static_cast<double>(i % 3)});
    y.push_back(2.0 * i - 5.0 * (i % 3) + 1);
  }
  const auto s = LinearScorer::fit(x, y, /*lambda=*/0.0);
  EXPECT_NEAR(s.score(std::vector<double>{7, 1}), 2 * 7 - 5 + 1, 1e-9);
  EXPECT_THROW(s.score(std::vector<double>{1}), std::invalid_argument);
  EXPECT_THROW(LinearScorer::fit({{1}}, std::vector<double>{1}), std::invalid_argument);
}

TEST(NextTokenStats, EntropyAndMargin) {
  const std::vector<float> flat(4, 0.5f);
  const auto f = next_token_stats(flat);
  EXPECT_NEAR(f.entropy, std::log(4.0), 1e-12);
  EXPECT_NEAR(f.margin, 0, 1e-12);
  const std::vector<float> peaked = {0, std::log(3.0f), 0};  // p = .2, .6, .2
  const auto p = next_token_stats(peaked);
  EXPECT_EQ(p.argmax, 1);
  EXPECT_NEAR(p.margin, 0.4, 1e-6);
  EXPECT_NEAR(p.entropy, -(0.6 * std::log(0.6) + 0.4 * std::log(0.2)), 1e-6);
}

}  // namespace
}  // namespace tandem::router
