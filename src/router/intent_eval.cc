#include "router/intent_eval.h"

#include <algorithm>
#include <cstdio>

namespace tandem::router {
namespace {
ClassStats& stats_for(std::vector<ClassStats>& v, const std::string& label) {
  auto it = std::find_if(v.begin(), v.end(), [&](const ClassStats& s) { return s.label == label; });
  if (it != v.end()) return *it;
  v.push_back({label});
  return v.back();
}
}  // namespace

IntentEvaluation evaluate(const IntentClassifier& model, std::span<const IntentExample> data) {
  IntentEvaluation e;
  for (const auto& c : model.classes()) e.classes.push_back({c});
  for (const auto& ex : data) {
    const auto r = model.classify(ex.text);
    ++e.total;
    ++stats_for(e.classes, ex.label).support;
    ++stats_for(e.classes, r.label).predicted;
    if (r.label == ex.label) {
      ++e.correct;
      ++stats_for(e.classes, ex.label).correct;
    }
  }
  return e;
}

std::string IntentEvaluation::report() const {
  std::string out;
  char buf[160];
  std::snprintf(buf, sizeof buf, "accuracy %.4f (%zu/%zu)\n", accuracy(), correct, total);
  out += buf;
  std::snprintf(buf, sizeof buf, "%-16s %9s %9s %8s\n", "class", "precision", "recall", "support");
  out += buf;
  for (const auto& c : classes) {
    std::snprintf(buf, sizeof buf, "%-16s %9.4f %9.4f %8zu\n", c.label.c_str(), c.precision(),
                  c.recall(), c.support);
    out += buf;
  }
  return out;
}

}  // namespace tandem::router
