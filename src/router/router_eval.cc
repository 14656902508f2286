#include "router/router_eval.h"

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace tandem::router {

std::vector<RoutedItem> routed_items(const std::vector<PairRow>& rows, Quality q,
                                     const std::function<double(const PairRow&)>& score) {
  std::vector<RoutedItem> items;
  for (const auto& r : rows) {
    RoutedItem it;
    it.q_edge = q == Quality::kTeacherForced ? r.q_edge : r.a_edge;
    it.q_cloud = q == Quality::kTeacherForced ? r.q_cloud : r.a_cloud;
    it.score = score ? score(r) : 0.0;
    items.push_back(it);
  }
  return items;
}

std::vector<RouterSpec> baseline_routers() {
  std::vector<RouterSpec> r;
  r.push_back({"perplexity", [](const PairRow& p) { return p.ppl; }, {}, false});
  // Expected value over random orders: the diagonal (every order is equally likely).
  r.push_back({"random", {}, {}, true});
  r.push_back(
      {"length", [](const PairRow& p) { return static_cast<double>(p.prompt_tokens); }, {}, false});
  r.push_back({"intent", {}, [](const PairRow& p) { return p.intent_cloud; }, false});
  // The oracle's score depends on the quality measure; evaluate_router fills it in.
  r.push_back({"oracle", {}, {}, false});
  return r;
}

std::vector<RouterSpec> signal_routers(bool with_learned) {
  std::vector<RouterSpec> r;
  r.push_back({"entropy-prompt", [](const PairRow& p) { return p.prompt_entropy; }, {}, false});
  r.push_back({"margin-prompt", [](const PairRow& p) { return -p.prompt_margin; }, {}, false});
  r.push_back({"entropy-gen", [](const PairRow& p) { return p.gen_entropy; }, {}, false});
  r.push_back({"margin-gen", [](const PairRow& p) { return -p.gen_margin; }, {}, false});
  if (with_learned) r.push_back({"learned", [](const PairRow& p) { return p.learned; }, {}, false});
  return r;
}

std::vector<PairRow> rows_of(const std::vector<PairRow>& rows, const std::string& domain) {
  if (domain == "all") return rows;
  std::vector<PairRow> out;
  for (const auto& r : rows)
    if (r.domain == domain) out.push_back(r);
  return out;
}

RouterResult evaluate_router(const RouterSpec& spec, const std::vector<PairRow>& rows, Quality q,
                             const std::vector<double>& targets) {
  if (rows.empty()) throw std::invalid_argument("router evaluation of no rows");
  RouterResult res;
  res.name = spec.name;
  if (spec.name == "oracle") {
    const auto items = routed_items(rows, q, {});
    std::vector<RoutedItem> scored = items;
    for (auto& it : scored) it.score = oracle_score(it);
    res.curve = pgr_curve(scored);
  } else if (spec.expected_linear) {
    res.curve = pgr_curve(routed_items(rows, q, {}));  // the means; points replaced below
    res.curve.points.clear();
    const auto n = rows.size();
    for (size_t k = 0; k <= n; ++k) {
      const double s = static_cast<double>(k) / static_cast<double>(n);
      res.curve.points.push_back({s, s, std::numeric_limits<double>::quiet_NaN()});
    }
  } else if (spec.split) {
    const auto items = routed_items(rows, q, {});
    // std::vector<bool> has no contiguous storage for a span.
    std::unique_ptr<bool[]> to_cloud(new bool[rows.size()]);
    for (size_t i = 0; i < rows.size(); ++i) to_cloud[i] = spec.split(rows[i]);
    res.point = pgr_point(items, std::span<const bool>(to_cloud.get(), rows.size()));
    res.curve = pgr_curve(items);
    res.curve.points = {{0, 0, 0}, *res.point, {1, 1, 0}};
  } else {
    res.curve = pgr_curve(routed_items(rows, q, spec.score));
  }
  res.apgr = apgr(res.curve);
  for (double t : targets) {
    const auto p = first_reaching(res.curve, t);
    res.share_for.emplace_back(t, p ? std::optional<double>(p->share) : std::nullopt);
  }
  return res;
}

}  // namespace tandem::router
