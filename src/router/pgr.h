// Quality/cost curves of a router (RouteLLM's measures): send the prompts with the highest
// routing score to the cloud, and see how much of the edge-to-cloud quality gap is recovered.
//   PGR(share) = (q_routed - q_edge) / (q_cloud - q_edge), on the mean quality of the sample.
// Pure maths over per-prompt numbers; the engine work that produces them is elsewhere.
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace tandem::router {

// One prompt: the quality each node's answer would have (higher is better) and the router's
// score (higher: rather the cloud).
struct RoutedItem {
  double q_edge = 0;
  double q_cloud = 0;
  double score = 0;
};

struct PgrPoint {
  double share = 0;  // fraction of prompts sent to the cloud
  double pgr = 0;
  // The score threshold giving this point (cloud iff score > threshold); -inf: all cloud.
  double threshold = 0;
};

struct PgrCurve {
  double q_edge = 0, q_cloud = 0;  // mean quality with every prompt on one node
  // From share 0 to share 1; one point per distinct score (a threshold cannot split ties).
  std::vector<PgrPoint> points;

  double gap() const { return q_cloud - q_edge; }
  // PGR is a ratio of the gap: meaningless when the cloud is not better on the mean.
  bool defined() const;
};

// Throws std::invalid_argument for an empty sample or a non-finite value.
PgrCurve pgr_curve(std::span<const RoutedItem> items);

// PGR of one fixed split (`to_cloud[i]`: item i goes to the cloud), e.g. intent only.
PgrPoint pgr_point(std::span<const RoutedItem> items, std::span<const bool> to_cloud);

// Area under PGR(share) over [0, 1] (trapezoids between the points). Random routing's
// expected curve is PGR = share (area 0.5).
double apgr(const PgrCurve& curve);

// The smallest cloud share at which the curve reaches `target` PGR, and the point; none when
// it never does.
std::optional<PgrPoint> first_reaching(const PgrCurve& curve, double target);

// The oracle's score: the gain of answering in the cloud.
inline double oracle_score(const RoutedItem& it) {
  return it.q_cloud - it.q_edge;
}

// Quality of a routed sample: mean of q_cloud where routed to the cloud, q_edge elsewhere.
double routed_quality(std::span<const RoutedItem> items, std::span<const bool> to_cloud);

}  // namespace tandem::router
