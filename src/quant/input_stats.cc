#include "quant/input_stats.h"

#include <cmath>
#include <stdexcept>

namespace tandem::quant {

void InputStats::add(const float* x, int64_t n, kernels::ThreadPool& pool) {
  const int64_t c = cols;
  pool.parallel_for(c, [&](int64_t begin, int64_t end, int) {
    for (int64_t t = 0; t < n; ++t) {
      const float* row = x + t * c;
      for (int64_t i = begin; i < end; ++i) {
        const double xi = row[i];
        abs_sum[i] += std::fabs(xi);
        if (xi == 0.0) continue;
        double* g = xtx.data() + i * c;
        for (int64_t j = 0; j < c; ++j) g[j] += xi * static_cast<double>(row[j]);
      }
    }
  });
  n_tokens += n;
}

std::vector<double> InputStats::mean_xtx() const {
  if (n_tokens == 0) throw std::logic_error("no calibration tokens were observed");
  std::vector<double> g(xtx);
  for (auto& v : g) v /= static_cast<double>(n_tokens);
  return g;
}

std::vector<double> InputStats::mean_abs() const {
  if (n_tokens == 0) throw std::logic_error("no calibration tokens were observed");
  std::vector<double> a(abs_sum);
  for (auto& v : a) v /= static_cast<double>(n_tokens);
  return a;
}

}  // namespace tandem::quant
