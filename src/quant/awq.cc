#include "quant/awq.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "quant/row_grid.h"

namespace tandem::quant {

std::vector<float> awq_scales(std::span<const double> mean_abs, double alpha) {
  std::vector<float> s(mean_abs.size());
  double lo = std::numeric_limits<double>::max(), hi = 0;
  for (size_t j = 0; j < s.size(); ++j) {
    const double v = std::max(1e-4, std::pow(std::max(mean_abs[j], 1e-12), alpha));
    s[j] = static_cast<float>(v);
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  const double norm = std::sqrt(hi * lo);
  for (auto& v : s) v = static_cast<float>(v / norm);
  return s;
}

AwqResult awq_search(std::span<const AwqLinear> linears, const InputStats& stats, int64_t group,
                     kernels::ThreadPool& pool, int n_grid) {
  const int64_t cols = stats.cols;
  const std::vector<double> g = stats.mean_xtx();
  const std::vector<double> a = stats.mean_abs();
  AwqResult best;
  best.error = std::numeric_limits<double>::infinity();
  for (int step = 0; step <= n_grid; ++step) {
    const double alpha = static_cast<double>(step) / n_grid;
    const std::vector<float> s = awq_scales(a, alpha);
    double total = 0;
    for (const auto& lin : linears) {
      if (static_cast<int64_t>(lin.w.size()) != lin.rows * cols)
        throw std::invalid_argument("AWQ: weight size does not match the input statistics");
      std::vector<double> row_err(static_cast<size_t>(lin.rows));
      pool.parallel_for(lin.rows, [&](int64_t begin, int64_t end, int) {
        std::vector<float> scaled(static_cast<size_t>(cols)), q(static_cast<size_t>(cols));
        std::vector<double> delta(static_cast<size_t>(cols));
        for (int64_t r = begin; r < end; ++r) {
          const float* w = lin.w.data() + r * cols;
          for (int64_t j = 0; j < cols; ++j) scaled[j] = w[j] * s[j];
          fake_quant_row(lin.type, group, scaled, q);
          for (int64_t j = 0; j < cols; ++j) delta[j] = static_cast<double>(q[j]) / s[j] - w[j];
          double e = 0;  // Δ·G·Δᵀ, the mean squared output error of this row
          for (int64_t i = 0; i < cols; ++i) {
            if (delta[i] == 0.0) continue;
            const double* gi = g.data() + i * cols;
            double t = 0;
            for (int64_t j = 0; j < cols; ++j) t += gi[j] * delta[j];
            e += delta[i] * t;
          }
          row_err[r] = e;
        }
      });
      for (double e : row_err) total += e;  // fixed order: deterministic
    }
    if (step == 0) best.error_alpha0 = total;
    if (total < best.error) {
      best.error = total;
      best.alpha = alpha;
      best.scales = s;
    }
  }
  return best;
}

}  // namespace tandem::quant

namespace tandem::quant {

double awq_clip(model::GgmlType type, int64_t group, std::span<float> w, int64_t rows, int64_t cols,
                std::span<const double> g, kernels::ThreadPool& pool) {
  const int n_grid = 20;
  std::vector<double> before(static_cast<size_t>(rows)), after(static_cast<size_t>(rows));
  auto group_error = [&](const float* orig, const float* q, int64_t c0, int64_t n) {
    double e = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double di = static_cast<double>(q[i]) - orig[i];
      if (di == 0.0) continue;
      const double* gi = g.data() + (c0 + i) * cols + c0;
      double t = 0;
      for (int64_t j = 0; j < n; ++j) t += gi[j] * (static_cast<double>(q[j]) - orig[j]);
      e += di * t;
    }
    return e;
  };
  pool.parallel_for(rows, [&](int64_t begin, int64_t end, int) {
    std::vector<float> orig(static_cast<size_t>(group)), clipped(orig.size()), q(orig.size());
    for (int64_t r = begin; r < end; ++r) {
      for (int64_t c0 = 0; c0 < cols; c0 += group) {
        const int64_t n = std::min(group, cols - c0);
        float* seg = w.data() + r * cols + c0;
        std::copy(seg, seg + n, orig.begin());
        float amax = 0;
        for (int64_t i = 0; i < n; ++i) amax = std::max(amax, std::fabs(orig[i]));
        double best = std::numeric_limits<double>::infinity();
        float best_ratio = 1;
        for (int step = 0; step <= n_grid / 2; ++step) {
          const float ratio = 1.0f - static_cast<float>(step) / n_grid;
          const float lim = amax * ratio;
          for (int64_t i = 0; i < n; ++i) clipped[i] = std::clamp(orig[i], -lim, lim);
          fake_quant_row(type, n, std::span<const float>(clipped.data(), n),
                         std::span<float>(q.data(), n));
          const double e = group_error(orig.data(), q.data(), c0, n);
          if (step == 0) before[r] += e;
          if (e < best) best = e, best_ratio = ratio;
        }
        after[r] += best;
        const float lim = amax * best_ratio;
        for (int64_t i = 0; i < n; ++i) seg[i] = std::clamp(orig[i], -lim, lim);
      }
    }
  });
  double b = 0, a = 0;
  for (int64_t r = 0; r < rows; ++r) b += before[r], a += after[r];
  return b > 0 ? a / b : 1.0;
}

}  // namespace tandem::quant
