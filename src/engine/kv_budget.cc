#include "engine/kv_budget.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace tandem::engine {

int32_t KvBudget::recent() const {
  switch (policy) {
    case KvPolicy::kWindow:
      return tokens;
    case KvPolicy::kSinks:
      return tokens - std::min(sinks, tokens / 2);
    case KvPolicy::kH2o:
      return tokens - tokens / 2;
    case KvPolicy::kSnapKv:
      return std::min(window, tokens - tokens / 2);  // half the budget at least is chosen
  }
  return tokens;
}

void KvBudget::validate() const {
  if (tokens < 0) throw std::invalid_argument("--kv-budget must be 0 (off) or positive");
  if (!enabled()) return;
  if (tokens < 8) throw std::invalid_argument("--kv-budget must be at least 8 entries");
  if (sinks < 0) throw std::invalid_argument("--kv-sinks must not be negative");
  if (window < 1) throw std::invalid_argument("--kv-window must be at least 1");
  if (pool < 1) throw std::invalid_argument("--kv-pool must be at least 1");
  if (headroom < 1) throw std::invalid_argument("KV budget headroom must be at least 1");
}

KvPolicy parse_kv_policy(const std::string& name) {
  if (name == "window") return KvPolicy::kWindow;
  if (name == "sinks") return KvPolicy::kSinks;
  if (name == "h2o") return KvPolicy::kH2o;
  if (name == "snapkv") return KvPolicy::kSnapKv;
  throw std::invalid_argument("unknown KV policy '" + name + "' (window, sinks, h2o, snapkv)");
}

const char* kv_policy_name(KvPolicy p) {
  switch (p) {
    case KvPolicy::kWindow:
      return "window";
    case KvPolicy::kSinks:
      return "sinks";
    case KvPolicy::kH2o:
      return "h2o";
    case KvPolicy::kSnapKv:
      return "snapkv";
  }
  return "?";
}

namespace {

// The `count` best-scored entries of [0, end) plus [end, n), ascending.
std::vector<int32_t> top_then_recent(std::span<const float> score, int32_t end, int32_t count,
                                     int32_t n) {
  std::vector<int32_t> idx(static_cast<size_t>(end));
  std::iota(idx.begin(), idx.end(), 0);
  count = std::min(count, end);
  // Ties go to the older entry (a stable, reproducible choice).
  std::partial_sort(idx.begin(), idx.begin() + count, idx.end(), [&](int32_t a, int32_t b) {
    const float sa = score[static_cast<size_t>(a)], sb = score[static_cast<size_t>(b)];
    return sa != sb ? sa > sb : a < b;
  });
  idx.resize(static_cast<size_t>(count));
  std::sort(idx.begin(), idx.end());
  for (int32_t i = end; i < n; ++i) idx.push_back(i);
  return idx;
}

}  // namespace

std::vector<int32_t> select_kept(const KvBudget& b, int32_t n, std::span<const float> score) {
  if (n <= b.tokens) {
    std::vector<int32_t> all(static_cast<size_t>(std::max(n, 0)));
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  const int32_t recent = b.recent();
  const int32_t old_end = n - recent;  // entries [0, old_end) compete for the rest
  const int32_t rest = b.tokens - recent;
  if (b.policy == KvPolicy::kWindow || b.policy == KvPolicy::kSinks) {
    std::vector<int32_t> keep;
    for (int32_t i = 0; i < rest; ++i) keep.push_back(i);
    for (int32_t i = old_end; i < n; ++i) keep.push_back(i);
    return keep;
  }
  if (score.size() < static_cast<size_t>(n))
    throw std::invalid_argument("KV eviction: fewer scores than entries");
  if (b.policy == KvPolicy::kH2o) return top_then_recent(score, old_end, rest, n);
  // SnapKV pools the scores so a chosen entry brings its neighbours (a phrase, not a token).
  std::vector<float> pooled(static_cast<size_t>(old_end));
  const int32_t half = b.pool / 2;
  for (int32_t i = 0; i < old_end; ++i) {
    const int32_t lo = std::max(0, i - half), hi = std::min(old_end, i + half + 1);
    float s = 0;
    for (int32_t j = lo; j < hi; ++j) s += score[static_cast<size_t>(j)];
    pooled[static_cast<size_t>(i)] = s / static_cast<float>(hi - lo);
  }
  return top_then_recent(pooled, old_end, rest, n);
}

}  // namespace tandem::engine
