#include "router/linear_scorer.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace tandem::router {
namespace {

// Solves A x = b (A symmetric positive definite after the ridge term) by Gaussian
// elimination with partial pivoting; A is small (one row per feature).
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[p][c])) p = r;
    if (std::abs(a[p][c]) < 1e-12) throw std::invalid_argument("linear scorer: singular system");
    std::swap(a[c], a[p]);
    std::swap(b[c], b[p]);
    for (size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (size_t i = n; i-- > 0;) {
    double s = b[i];
    for (size_t k = i + 1; k < n; ++k) s -= a[i][k] * x[k];
    x[i] = s / a[i][i];
  }
  return x;
}

}  // namespace

LinearScorer LinearScorer::fit(const std::vector<std::vector<double>>& rows,
                               std::span<const double> y, double lambda) {
  if (rows.size() < 2 || rows.size() != y.size())
    throw std::invalid_argument("linear scorer: need at least 2 rows, one target per row");
  const size_t d = rows.front().size();
  if (d == 0 || !(lambda >= 0)) throw std::invalid_argument("linear scorer: bad features/lambda");
  const auto n = static_cast<double>(rows.size());
  LinearScorer s;
  s.mean_.assign(d, 0);
  s.scale_.assign(d, 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != d) throw std::invalid_argument("linear scorer: ragged feature rows");
    for (size_t k = 0; k < d; ++k) {
      if (!std::isfinite(rows[i][k]) || !std::isfinite(y[i]))
        throw std::invalid_argument("linear scorer: non-finite value in row " + std::to_string(i));
      s.mean_[k] += rows[i][k] / n;
    }
  }
  for (const auto& r : rows)
    for (size_t k = 0; k < d; ++k) s.scale_[k] += (r[k] - s.mean_[k]) * (r[k] - s.mean_[k]) / n;
  for (auto& v : s.scale_) v = v > 0 ? std::sqrt(v) : 1.0;  // a constant feature stays 0
  double y_mean = 0;
  for (double v : y) y_mean += v / n;
  // (Z'Z + lambda I) w = Z'(y - mean y) over the standardized features Z.
  std::vector<std::vector<double>> a(d, std::vector<double>(d, 0));
  std::vector<double> b(d, 0);
  std::vector<double> z(d);
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t k = 0; k < d; ++k) z[k] = (rows[i][k] - s.mean_[k]) / s.scale_[k];
    for (size_t k = 0; k < d; ++k) {
      b[k] += z[k] * (y[i] - y_mean);
      for (size_t l = 0; l < d; ++l) a[k][l] += z[k] * z[l];
    }
  }
  for (size_t k = 0; k < d; ++k) a[k][k] += lambda;
  s.w_ = solve(std::move(a), std::move(b));
  s.bias_ = y_mean;
  return s;
}

double LinearScorer::score(std::span<const double> f) const {
  if (f.size() != w_.size())
    throw std::invalid_argument("linear scorer: expected " + std::to_string(w_.size()) +
                                " features, got " + std::to_string(f.size()));
  double s = bias_;
  for (size_t k = 0; k < f.size(); ++k) s += w_[k] * (f[k] - mean_[k]) / scale_[k];
  return s;
}

std::string LinearScorer::describe(std::span<const std::string> names) const {
  std::string out;
  char buf[96];
  for (size_t k = 0; k < w_.size(); ++k) {
    std::snprintf(buf, sizeof buf, "%s%+.3f*%s", out.empty() ? "" : " ", w_[k],
                  k < names.size() ? names[k].c_str() : "?");
    out += buf;
  }
  return out;
}

}  // namespace tandem::router
