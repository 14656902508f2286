#include "router/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace tandem::router {
namespace {

void check_sample(std::span<const double> ppls) {
  if (ppls.empty()) throw std::invalid_argument("no perplexities to calibrate from");
  for (double p : ppls)
    if (!std::isfinite(p) || p <= 0)
      throw std::invalid_argument("perplexity values must be finite and positive, got " +
                                  std::to_string(p));
}

}  // namespace

double calibrate_threshold(std::vector<double> ppls, double local_share) {
  check_sample(ppls);
  if (!(local_share >= 0.0 && local_share <= 1.0))
    throw std::invalid_argument("local share must be in [0, 1], got " +
                                std::to_string(local_share));
  std::sort(ppls.begin(), ppls.end());
  const size_t n = ppls.size();
  const auto k = static_cast<size_t>(std::llround(local_share * static_cast<double>(n)));
  if (k == 0) return std::nextafter(ppls.front(), 0.0);
  if (k >= n) return ppls.back();
  if (ppls[k - 1] == ppls[k]) return ppls[k - 1];
  return 0.5 * (ppls[k - 1] + ppls[k]);
}

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("quantile of an empty sample");
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

PplDistribution summarize_ppl(std::span<const double> ppls, int bins) {
  check_sample(ppls);
  if (bins < 1) throw std::invalid_argument("histogram needs at least one bin");
  std::vector<double> s(ppls.begin(), ppls.end());
  std::sort(s.begin(), s.end());
  PplDistribution d;
  d.n = s.size();
  d.min = s.front();
  d.max = s.back();
  double sum = 0, log_sum = 0;
  for (double p : s) {
    sum += p;
    log_sum += std::log(p);
  }
  d.mean = sum / static_cast<double>(d.n);
  d.geo_mean = std::exp(log_sum / static_cast<double>(d.n));
  for (double q : {0.1, 0.25, 0.5, 0.75, 0.9}) d.quantiles.emplace_back(q, quantile_sorted(s, q));
  const double lmin = std::log(d.min), lmax = std::log(d.max);
  const double width = lmax > lmin ? (lmax - lmin) / bins : 1.0;
  for (int b = 0; b < bins; ++b)
    d.histogram.push_back({std::exp(lmin + b * width), std::exp(lmin + (b + 1) * width), 0});
  d.histogram.back().hi = d.max;
  for (double p : s) {
    auto b = static_cast<size_t>((std::log(p) - lmin) / width);
    ++d.histogram[std::min(b, d.histogram.size() - 1)].count;
  }
  return d;
}

std::string PplDistribution::render(double threshold) const {
  std::string out;
  char buf[200];
  std::snprintf(buf, sizeof buf, "prompts %zu  min %.3f  max %.3f  mean %.3f  geo-mean %.3f\n", n,
                min, max, mean, geo_mean);
  out += buf;
  out += "quantiles:";
  for (const auto& [q, v] : quantiles) {
    std::snprintf(buf, sizeof buf, "  p%02.0f %.3f", q * 100, v);
    out += buf;
  }
  out += "\n";
  size_t most = 1;
  for (const auto& b : histogram) most = std::max(most, b.count);
  for (size_t i = 0; i < histogram.size(); ++i) {
    const auto& b = histogram[i];
    const bool last = i + 1 == histogram.size();
    const bool marked = threshold > 0 && threshold >= b.lo && (threshold < b.hi || last);
    std::snprintf(buf, sizeof buf, "%10.4g - %-10.4g %4zu %-40s%s\n", b.lo, b.hi, b.count,
                  std::string(b.count * 40 / most, '#').c_str(), marked ? " <- threshold" : "");
    out += buf;
  }
  return out;
}

}  // namespace tandem::router
