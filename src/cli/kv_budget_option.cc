#include "cli/kv_budget_option.h"

namespace tandem::cli {

void KvBudgetOption::add_to(CLI::App* cmd, const std::string& extra_policies) {
  cmd->add_option("--kv-budget", tokens,
                  "KV entries kept per sequence (0: all); older ones are evicted by --kv-policy "
                  "while positions run on to the context (docs/LONG_CONTEXT.md)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 24));
  cmd->add_option("--kv-policy", policy,
                  "What a bounded KV cache keeps: window, sinks, h2o, snapkv" +
                      (extra_policies.empty() ? std::string() : ", " + extra_policies))
      ->capture_default_str();
  cmd->add_option("--kv-sinks", sinks, "sinks policy: leading positions always kept")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--kv-window", window,
                  "snapkv policy: observation window (queries scored, positions always kept)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
}

engine::KvBudget KvBudgetOption::resolve() const {
  engine::KvBudget b;
  b.tokens = tokens;
  b.policy = engine::parse_kv_policy(policy);
  b.sinks = sinks;
  b.window = window;
  b.validate();
  return b;
}

}  // namespace tandem::cli
