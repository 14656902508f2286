// Threshold calibration and the distribution summary.
#include "router/calibration.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tandem::router {
namespace {

size_t local_count(const std::vector<double>& v, double t) {
  size_t n = 0;
  for (double x : v) n += x <= t;
  return n;
}

TEST(Calibration, ThresholdKeepsTheRequestedShareLocal) {
  const std::vector<double> ppls = {50, 3, 8, 120, 4, 9, 30, 2, 15, 6};
  EXPECT_DOUBLE_EQ(calibrate_threshold(ppls, 0.6), 12);  // sorted: 2 3 4 6 8 9 | 15 ...
  for (double share : {0.0, 0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0}) {
    const double t = calibrate_threshold(ppls, share);
    EXPECT_EQ(local_count(ppls, t), static_cast<size_t>(std::llround(share * ppls.size())))
        << share;
  }
  EXPECT_DOUBLE_EQ(calibrate_threshold(ppls, 1.0), 120);
  EXPECT_LT(calibrate_threshold(ppls, 0.0), 2);
}

TEST(Calibration, TiesStayTogether) {
  const std::vector<double> ppls = {5, 5, 5, 5, 9};
  EXPECT_DOUBLE_EQ(calibrate_threshold(ppls, 0.4), 5);  // cannot split the tie: all local
}

TEST(Calibration, BadInput) {
  EXPECT_THROW(calibrate_threshold({}, 0.5), std::invalid_argument);
  EXPECT_THROW(calibrate_threshold({1, 2}, 1.5), std::invalid_argument);
  EXPECT_THROW(calibrate_threshold({1, NAN}, 0.5), std::invalid_argument);
  EXPECT_THROW(calibrate_threshold({1, -2}, 0.5), std::invalid_argument);
  EXPECT_THROW(summarize_ppl(std::vector<double>{}), std::invalid_argument);
}

TEST(Calibration, DistributionSummary) {
  std::vector<double> ppls;
  for (int i = 1; i <= 100; ++i) ppls.push_back(i);
  const auto d = summarize_ppl(ppls, 5);
  EXPECT_EQ(d.n, 100u);
  EXPECT_DOUBLE_EQ(d.min, 1);
  EXPECT_DOUBLE_EQ(d.max, 100);
  EXPECT_DOUBLE_EQ(d.mean, 50.5);
  ASSERT_EQ(d.quantiles.size(), 5u);
  EXPECT_DOUBLE_EQ(d.quantiles[2].second, 50.5);  // median
  ASSERT_EQ(d.histogram.size(), 5u);
  size_t total = 0;
  for (const auto& b : d.histogram) total += b.count;
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(d.histogram.front().count, 2u);  // 1, 2 < 100^(1/5) = 2.51
  const auto text = d.render(calibrate_threshold(ppls, 0.6));
  EXPECT_NE(text.find("p50 50.500"), std::string::npos) << text;
  EXPECT_NE(text.find("<- threshold"), std::string::npos) << text;
  EXPECT_NO_THROW(summarize_ppl(std::vector<double>{7.0}).render());
}

}  // namespace
}  // namespace tandem::router
