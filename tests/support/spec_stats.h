// Pearson's chi-square goodness-of-fit with a fixed, conservative acceptance threshold.
#pragma once

#include <cmath>
#include <vector>

namespace tandem::test {

struct ChiSquare {
  double chi2 = 0;
  int df = 0;
  double threshold = 0;
  bool pass = false;
};

// counts: observed per bin; probs: expected probability per bin (sums to ~1). Bins whose
// expected count is < 5 are pooled. The threshold df + 4.5 sqrt(2 df) sits beyond the 99.9th
// percentile for the df seen here, so a correct sampler at a fixed seed set passes while a
// sampler that follows a different distribution (chi2 ~ n * divergence) fails.
inline ChiSquare chi_square(const std::vector<double>& counts, const std::vector<double>& probs) {
  double n = 0;
  for (double c : counts) n += c;
  ChiSquare r;
  double pooled_obs = 0, pooled_exp = 0;
  int bins = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double e = n * (i < probs.size() ? probs[i] : 0.0);
    if (e < 5) {
      pooled_obs += counts[i];
      pooled_exp += e;
      continue;
    }
    r.chi2 += (counts[i] - e) * (counts[i] - e) / e;
    ++bins;
  }
  if (pooled_exp >= 1e-9) {
    r.chi2 += (pooled_obs - pooled_exp) * (pooled_obs - pooled_exp) / pooled_exp;
    ++bins;
  } else if (pooled_obs > 0) {
    r.chi2 = INFINITY;  // tokens the target never produces
  }
  r.df = std::max(1, bins - 1);
  r.threshold = r.df + 4.5 * std::sqrt(2.0 * r.df);
  r.pass = r.chi2 <= r.threshold;
  return r;
}

}  // namespace tandem::test
