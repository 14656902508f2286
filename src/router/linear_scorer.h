// A small learned routing score: ridge regression of the cloud's gain (q_cloud - q_edge) on a
// few standardized signals, fitted on a calibration split. Routing by the predicted gain is
// what PGR rewards, so the target is the gain itself rather than a class.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace tandem::router {

class LinearScorer {
 public:
  // rows: one feature vector per example (all of one length >= 1); y: the target per row.
  // lambda >= 0 shrinks the weights of the standardized features. Throws
  // std::invalid_argument for fewer than 2 rows, ragged rows or non-finite values.
  static LinearScorer fit(const std::vector<std::vector<double>>& rows, std::span<const double> y,
                          double lambda = 1.0);

  double score(std::span<const double> features) const;
  // "w1*f1 + ..." over the standardized features, for reports.
  std::string describe(std::span<const std::string> names) const;
  const std::vector<double>& weights() const { return w_; }

 private:
  std::vector<double> mean_, scale_, w_;
  double bias_ = 0;
};

}  // namespace tandem::router
