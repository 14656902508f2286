// Sampling flags shared by `run` (and later the servers' defaults).
#pragma once

#include <CLI/CLI.hpp>

#include "engine/sampler.h"

namespace tandem::cli {

inline void add_sampling_options(CLI::App* cmd, engine::SamplerParams& p) {
  cmd->add_option("--temp", p.temperature, "Temperature; 0 = greedy")->capture_default_str();
  cmd->add_option("--top-k", p.top_k, "Top-k (0 = off)")->capture_default_str();
  cmd->add_option("--top-p", p.top_p, "Top-p nucleus mass (1 = off)")->capture_default_str();
  cmd->add_option("--min-p", p.min_p, "Min-p relative to the top token (0 = off)")
      ->capture_default_str();
  cmd->add_option("--repeat-penalty", p.repeat_penalty, "Repetition penalty (1 = off)")
      ->capture_default_str();
  cmd->add_option("--repeat-last-n", p.repeat_last_n, "Tokens the penalty looks back over")
      ->capture_default_str();
  cmd->add_option("--presence-penalty", p.presence_penalty, "OpenAI-style presence penalty");
  cmd->add_option("--frequency-penalty", p.frequency_penalty, "OpenAI-style frequency penalty");
  cmd->add_option("-s,--seed", p.seed, "RNG seed (same seed, same text)")->capture_default_str();
}

}  // namespace tandem::cli
