// A bounded KV cache: at most `tokens` entries per sequence, the rest evicted by a policy.
// The entries keep the RoPE rotation of their original position (applied when stored), so an
// eviction moves bytes but never re-rotates; a query keeps its own position. What each policy
// keeps, per layer and (where the method scores) per KV head:
//   window  the most recent `tokens` (the baseline that loses the attention sinks)
//   sinks   the first `sinks` positions + the most recent rest (StreamingLLM, Xiao et al. 2023)
//   h2o     half the budget most recent, half the older entries with the most accumulated
//           attention (Heavy-Hitter Oracle, Zhang et al. 2023)
//   snapkv  the last `window` positions (at most half the budget) + the older entries the last
//           `window` queries attend to most, average-pooled over `pool` neighbours (SnapKV,
//           Li et al. 2024)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tandem::engine {

enum class KvPolicy { kWindow, kSinks, kH2o, kSnapKv };

struct KvBudget {
  int32_t tokens = 0;  // entries kept per sequence after each forward; 0: unbounded
  KvPolicy policy = KvPolicy::kSinks;
  int32_t sinks = 4;    // sinks: leading positions always kept
  int32_t window = 32;  // snapkv: observation window (queries scored, positions always kept)
  int32_t pool = 5;     // snapkv: average-pooling width over neighbouring positions
  // Room beyond `tokens` for one forward's new entries of a sequence (a prompt chunk); the
  // cache holds tokens + headroom entries per sequence.
  int32_t headroom = 512;

  bool enabled() const { return tokens > 0; }
  // Whether the policy needs attention weights (scored in an extra pass over the keys).
  bool scores() const { return policy == KvPolicy::kH2o || policy == KvPolicy::kSnapKv; }
  // The most recent entries every eviction keeps in every layer and head: a rollback (a
  // rejected speculative draft) may go back this far.
  int32_t recent() const;
  // Throws std::invalid_argument naming the option at fault.
  void validate() const;
};

KvPolicy parse_kv_policy(const std::string& name);  // "window", "sinks", "h2o", "snapkv"
const char* kv_policy_name(KvPolicy p);

// The entries of one layer/head to keep out of n (ascending), when n > budget.tokens:
// budget.tokens of them. score: per entry, the policy's attention statistic (h2o: accumulated
// weight, snapkv: the observation window's weight); ignored by window and sinks.
std::vector<int32_t> select_kept(const KvBudget& budget, int32_t n, std::span<const float> score);

}  // namespace tandem::engine
