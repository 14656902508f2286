#include "spec/acceptance.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace tandem::spec {

double prob_of(const Dist& d, TokenId id) {
  for (const auto& e : d)
    if (e.id == id) return e.p;
  return 0.0;
}

TokenId argmax(const Dist& d) {
  if (d.empty()) throw std::invalid_argument("argmax of an empty distribution");
  const TokenProb* best = &d.front();
  for (const auto& e : d)
    if (e.p > best->p || (e.p == best->p && e.id < best->id)) best = &e;
  return best->id;
}

TokenId draw(const Dist& d, double u) {
  if (d.empty()) throw std::invalid_argument("draw from an empty distribution");
  double total = 0;
  for (const auto& e : d) total += e.p;
  const double target = u * total;
  double acc = 0;
  for (const auto& e : d) {
    acc += e.p;
    if (target < acc) return e.id;
  }
  // Rounding: the last token with non-zero mass.
  for (auto it = d.rbegin(); it != d.rend(); ++it)
    if (it->p > 0) return it->id;
  return d.back().id;
}

StepDecision greedy_step(const Dist& p, TokenId drafted) {
  const TokenId best = argmax(p);
  return {best == drafted, best};
}

Dist residual(const Dist& p, const Dist& q) {
  std::unordered_map<TokenId, double> qm;
  qm.reserve(q.size());
  for (const auto& e : q) qm[e.id] += e.p;
  Dist r;
  double total = 0;
  for (const auto& e : p) {
    auto it = qm.find(e.id);
    const double diff = e.p - (it == qm.end() ? 0.0 : it->second);
    if (diff > 0) {
      r.push_back({e.id, static_cast<float>(diff)});
      total += diff;
    }
  }
  if (total <= 0) return p;  // p == q: the residual is never needed, p is a safe stand-in
  for (auto& e : r) e.p = static_cast<float>(e.p / total);
  return r;
}

StepDecision sampling_step(const Dist& p, const Dist& q, TokenId drafted,
                           const std::function<double()>& uniform) {
  const double px = prob_of(p, drafted);
  const double qx = prob_of(q, drafted);
  const double u = uniform();
  // qx == 0 cannot happen for a token drawn from q; treat it as "q knows nothing": accept
  // with probability p(x) would be wrong, so reject and resample from the residual.
  if (qx > 0 && u < std::min(1.0, px / qx)) return {true, drafted};
  return {false, draw(residual(p, q), uniform())};
}

}  // namespace tandem::spec
