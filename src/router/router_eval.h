// Router evaluation over measured pairs: every router's PGR curve (or single point), APGR and
// the cloud share needed for a few PGR targets, for one quality measure and one subset.
// Pure: the per-pair numbers come from the engine elsewhere (tandem eval-router).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "router/pgr.h"

namespace tandem::router {

// One pair as measured for routing: the Dispatcher's signals and each node's quality.
struct PairRow {
  std::string domain;
  // Signals the edge has before answering.
  double ppl = 0;  // routing perplexity, exactly as the Dispatcher computes it
  int64_t prompt_tokens = 0;
  std::string intent;
  double intent_p = 0;
  bool intent_cloud = false;  // the intent rule of the policy would send it to the cloud
  double prompt_entropy = 0, prompt_margin = 0;  // edge, mean over the prompt positions
  double gen_entropy = 0, gen_margin = 0;        // edge, mean over its first generated tokens
  double learned = 0;                            // the learned scorer's predicted gain (if fitted)
  // Quality: teacher-forced mean log-likelihood of the true continuation under each node...
  double q_edge = 0, q_cloud = 0;
  // ...and the cloud model's mean log-likelihood of each node's greedy answer (a judge).
  double a_edge = 0, a_cloud = 0;
};

enum class Quality { kTeacherForced, kAnswer };

struct RouterSpec {
  std::string name;
  // Higher: rather the cloud. Absent with `split`: the router makes one fixed split.
  std::function<double(const PairRow&)> score;
  std::function<bool(const PairRow&)> split;
  bool expected_linear = false;  // random routing: PGR = share in expectation
};

// perplexity, random, length, intent, oracle; then the extra edge signals.
std::vector<RouterSpec> baseline_routers();
std::vector<RouterSpec> signal_routers(bool with_learned);

struct RouterResult {
  std::string name;
  PgrCurve curve;  // for a single point: (0,0), the point, (1,1)
  double apgr = 0;
  std::optional<PgrPoint> point;                                    // a fixed split's own point
  std::vector<std::pair<double, std::optional<double>>> share_for;  // (target PGR, share)
};

// rows must be non-empty. targets: e.g. {0.5, 0.8, 0.95}.
RouterResult evaluate_router(const RouterSpec& r, const std::vector<PairRow>& rows, Quality q,
                             const std::vector<double>& targets);

// The rows of one domain ("all": every row).
std::vector<PairRow> rows_of(const std::vector<PairRow>& rows, const std::string& domain);

std::vector<RoutedItem> routed_items(const std::vector<PairRow>& rows, Quality q,
                                     const std::function<double(const PairRow&)>& score);

}  // namespace tandem::router
