// --kv-budget, --kv-policy, --kv-sinks, --kv-window: a bounded KV cache (engine/kv_budget.h)
// for the commands that hold one (run, ppl, both servers).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "engine/kv_budget.h"

namespace tandem::cli {

struct KvBudgetOption {
  int32_t tokens = 0;
  std::string policy = "sinks";
  int32_t sinks = 4;
  int32_t window = 32;

  // extra_policies: more names --kv-policy accepts (ppl's "truncate" baseline).
  void add_to(CLI::App* cmd, const std::string& extra_policies = "");
  // Throws std::invalid_argument (bad policy name or sizes).
  engine::KvBudget resolve() const;
};

}  // namespace tandem::cli
