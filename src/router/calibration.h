// Choosing the perplexity threshold from a sample of prompts, and describing the sample.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace tandem::router {

// The threshold t such that the prompts with ppl <= t (they stay on the edge) are
// round(local_share * n) of them: the midpoint between the last local and the first cloud
// value (ties cannot be split; then t keeps the tied values local). local_share = 0 gives a
// value just below the smallest ppl, 1 the largest. Throws std::invalid_argument for an empty
// sample, a non-finite or non-positive ppl, or a share outside [0, 1].
double calibrate_threshold(std::vector<double> ppls, double local_share);

struct PplDistribution {
  size_t n = 0;
  double min = 0, max = 0, mean = 0, geo_mean = 0;
  std::vector<std::pair<double, double>> quantiles;  // (q, value) for q in 0.1, 0.25, ...
  struct Bin {
    double lo, hi;
    size_t count;
  };
  std::vector<Bin> histogram;  // equal widths in log(ppl): perplexities are skewed

  // Quantiles and an ASCII histogram; the bin holding `threshold` is marked when given.
  std::string render(double threshold = 0) const;
};

// Linear-interpolated quantile of sorted values.
double quantile_sorted(std::span<const double> sorted, double q);

// Throws like calibrate_threshold for an empty sample or bad values; bins >= 1.
PplDistribution summarize_ppl(std::span<const double> ppls, int bins = 12);

}  // namespace tandem::router
