// tandem ppl: perplexity of a text file, printed like llama.cpp's llama-perplexity.
#include <fmt/format.h>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/gpu_layers_option.h"
#include "cli/kv_budget_option.h"
#include "cli/model_options.h"
#include "cli/text_file.h"
#include "engine/perplexity.h"

namespace tandem::cli {
namespace {

struct PplOptions {
  ModelOptions model;
  std::string text_file;
  int32_t ctx = 512;
  KvBudgetOption budget;
};

int run_ppl(const PplOptions& o) {
  const std::string text = read_text_file(o.text_file);
  auto m = o.model.load();
  const auto tokens = m->tokenizer().encode(text, /*add_special=*/true, false);
  fmt::print(stderr, "tokenized {} into {} tokens; {} chunks of {}\n", o.text_file, tokens.size(),
             tokens.size() / static_cast<size_t>(o.ctx), o.ctx);
  engine::Transformer tf(*m, o.model.resolved_threads());
  const auto progress = [](int64_t i, double ppl) {
    fmt::print("[{}]{:.4f},", i + 1, ppl);
    std::fflush(stdout);
  };
  engine::PerplexityResult r;
  if (o.budget.tokens > 0) {
    const bool truncate = o.budget.policy == "truncate";
    KvBudgetOption resolved = o.budget;
    if (truncate) resolved.policy = "window";
    const auto budget = resolved.resolve();
    fmt::print(stderr, "KV budget {} of {} ({})\n", budget.tokens, o.ctx,
               truncate ? "truncate: the last tokens re-prefilled"
                        : engine::kv_policy_name(budget.policy));
    r = engine::perplexity_bounded(tf, tokens, o.ctx, budget, truncate, progress,
                                   o.model.resolved_kv_type());
  } else {
    r = engine::perplexity(tf, tokens, o.ctx, progress, o.model.resolved_kv_type());
  }
  fmt::print("\nFinal estimate: PPL = {:.4f} +/- {:.5f}\n", r.ppl, r.uncertainty);
  return 0;
}

}  // namespace

CommandAction register_ppl(CLI::App& app) {
  auto o = std::make_shared<PplOptions>();
  auto* cmd = app.add_subcommand("ppl", "Perplexity of a text file (llama.cpp methodology)");
  o->model.add_to(cmd);
  cmd->add_option("-f,--file", o->text_file, "Text file")->required()->check(CLI::ExistingFile);
  cmd->add_option("-c,--ctx,--ctx-size", o->ctx, "Chunk (context) size")
      ->capture_default_str()
      ->check(CLI::Range(4, 1 << 20));
  o->budget.add_to(cmd,
                   "truncate (the baseline: each token sees only its last --kv-budget "
                   "tokens, re-prefilled)");
  add_gpu_layers_option(cmd);
  return [o]() { return run_ppl(*o); };
}

}  // namespace tandem::cli
