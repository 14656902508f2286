#include "router/pgr.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace tandem::router {
namespace {

// Below this gap (nats per token) the ratio is noise.
constexpr double kMinGap = 1e-9;

void check(std::span<const RoutedItem> items) {
  if (items.empty()) throw std::invalid_argument("PGR of an empty sample");
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& it = items[i];
    if (!std::isfinite(it.q_edge) || !std::isfinite(it.q_cloud) || !std::isfinite(it.score))
      throw std::invalid_argument("PGR: item " + std::to_string(i) + " has a non-finite value");
  }
}

double pgr_of(double q, double q_edge, double q_cloud) {
  const double gap = q_cloud - q_edge;
  return std::abs(gap) < kMinGap ? 0.0 : (q - q_edge) / gap;
}

}  // namespace

bool PgrCurve::defined() const {
  return gap() > kMinGap;
}

PgrCurve pgr_curve(std::span<const RoutedItem> items) {
  check(items);
  const auto n = static_cast<double>(items.size());
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Highest score first: those go to the cloud first.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return items[a].score > items[b].score; });
  PgrCurve c;
  for (const auto& it : items) {
    c.q_edge += it.q_edge / n;
    c.q_cloud += it.q_cloud / n;
  }
  double q = c.q_edge;
  c.points.push_back({0.0, 0.0, items[order.front()].score});
  for (size_t k = 0; k < order.size();) {
    // Every item tied at this score moves together.
    const double s = items[order[k]].score;
    for (; k < order.size() && items[order[k]].score == s; ++k)
      q += oracle_score(items[order[k]]) / n;
    const double t = k < order.size() ? 0.5 * (s + items[order[k]].score)
                                      : -std::numeric_limits<double>::infinity();
    c.points.push_back({static_cast<double>(k) / n, pgr_of(q, c.q_edge, c.q_cloud), t});
  }
  c.points.back().pgr = c.defined() ? 1.0 : c.points.back().pgr;  // exact at share 1
  return c;
}

double routed_quality(std::span<const RoutedItem> items, std::span<const bool> to_cloud) {
  check(items);
  if (to_cloud.size() != items.size())
    throw std::invalid_argument("routed quality: one decision per item needed");
  double q = 0;
  for (size_t i = 0; i < items.size(); ++i) q += to_cloud[i] ? items[i].q_cloud : items[i].q_edge;
  return q / static_cast<double>(items.size());
}

PgrPoint pgr_point(std::span<const RoutedItem> items, std::span<const bool> to_cloud) {
  const double q = routed_quality(items, to_cloud);
  double qe = 0, qc = 0;
  for (const auto& it : items) {
    qe += it.q_edge;
    qc += it.q_cloud;
  }
  const auto n = static_cast<double>(items.size());
  const auto k = static_cast<double>(std::count(to_cloud.begin(), to_cloud.end(), true));
  return {k / n, pgr_of(q, qe / n, qc / n), std::numeric_limits<double>::quiet_NaN()};
}

double apgr(const PgrCurve& curve) {
  double area = 0;
  for (size_t i = 1; i < curve.points.size(); ++i) {
    const auto& a = curve.points[i - 1];
    const auto& b = curve.points[i];
    area += (b.share - a.share) * 0.5 * (a.pgr + b.pgr);
  }
  return area;
}

std::optional<PgrPoint> first_reaching(const PgrCurve& curve, double target) {
  for (const auto& p : curve.points)
    if (p.pgr >= target) return p;
  return std::nullopt;
}

}  // namespace tandem::router
