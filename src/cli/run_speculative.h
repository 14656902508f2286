// `tandem run --draft DRAFT` / `--remote-target URL`: the speculative branch of `run`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <span>
#include <string>

#include "engine/model.h"
#include "spec/speculative.h"

namespace tandem::cli {

struct SpecRunOptions {
  std::string draft_path;     // local: -m is the target, this the draft
  std::string remote_target;  // distributed: -m is the draft, the target verifies over HTTP
  std::string remote_api_key;
  bool remote_openai = false;  // --remote-target is a plain OpenAI server: greedy, stateless
  spec::SpecOptions spec;
  bool enabled() const { return !draft_path.empty() || !remote_target.empty(); }
  void add_to(CLI::App* cmd);
};

// Runs the speculative loop for `model` (-m) and prints the statistics to stderr.
spec::SpecStats run_speculative(const engine::Model& model, const SpecRunOptions& o,
                                std::span<const tokenizer::TokenId> prompt, int64_t n_predict,
                                int32_t n_ctx, const engine::SamplerParams& sampling, int threads,
                                model::GgmlType kv_type,
                                const std::function<bool(tokenizer::TokenId)>& on_token);

}  // namespace tandem::cli
