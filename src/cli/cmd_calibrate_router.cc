// tandem calibrate-router: full-prompt perplexity of each prompt under the edge model (one
// batched prefill each, as the Dispatcher computes it), their distribution, and the threshold
// that keeps the requested share of prompts on the edge.
#include <fmt/format.h>

#include <fstream>

#include "cli/commands.h"
#include "cli/model_options.h"
#include "router/calibration.h"
#include "router/prompt_perplexity.h"

namespace tandem::cli {
namespace {

struct CalibrateRouterOptions {
  ModelOptions model;
  std::string prompts_file;
  double local_share = 0.6;
  int bins = 12;
  bool verbose = false;
};

std::vector<std::string> read_prompts(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot read prompts");
  std::vector<std::string> prompts;
  for (std::string line; std::getline(f, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) prompts.push_back(line);
  }
  if (prompts.empty()) throw std::runtime_error(path + ": no prompts (one per line)");
  return prompts;
}

int run_calibrate_router(const CalibrateRouterOptions& o) {
  const auto prompts = read_prompts(o.prompts_file);
  auto m = o.model.load();
  engine::Transformer tf(*m, o.model.resolved_threads());
  std::vector<std::vector<tokenizer::TokenId>> tokenized;
  int32_t longest = 2;
  for (const auto& p : prompts) {
    tokenized.push_back(m->tokenizer().encode(p, /*add_special=*/true, false));
    longest = std::max(longest, static_cast<int32_t>(tokenized.back().size()));
  }
  if (m->config().n_ctx_train > 0 && longest > m->config().n_ctx_train)
    throw std::runtime_error(fmt::format("a prompt has {} tokens, more than the model's context {}",
                                         longest, m->config().n_ctx_train));
  auto cache = tf.make_cache(longest);
  std::vector<double> ppls;
  for (size_t i = 0; i < prompts.size(); ++i) {
    if (tokenized[i].size() < 2) {
      fmt::print(stderr, "skipping prompt {}: fewer than 2 tokens\n", i + 1);
      continue;
    }
    cache.clear(0);
    const auto r = router::prompt_perplexity(tf, cache, tokenized[i]);
    ppls.push_back(r.ppl);
    if (o.verbose) fmt::print("{:10.3f}  {}\n", r.ppl, prompts[i]);
  }
  const double threshold = router::calibrate_threshold(ppls, o.local_share);
  const auto dist = router::summarize_ppl(ppls, o.bins);
  size_t local = 0;
  for (double p : ppls) local += p <= threshold;
  fmt::print("{}", dist.render(threshold));
  fmt::print("threshold {:.4f}: {} of {} prompts stay on the edge ({:.1f}%, target {:.1f}%)\n",
             threshold, local, ppls.size(), 100.0 * local / ppls.size(), 100.0 * o.local_share);
  fmt::print("\n[routing]\nppl_threshold = {:.4f}\n", threshold);
  return 0;
}

}  // namespace

CommandAction register_calibrate_router(CLI::App& app) {
  auto o = std::make_shared<CalibrateRouterOptions>();
  auto* cmd = app.add_subcommand(
      "calibrate-router", "Choose the perplexity threshold for a target share of local answers");
  o->model.add_to(cmd);
  cmd->add_option("--prompts", o->prompts_file, "Prompts, one per line")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--local-share", o->local_share, "Share of prompts that should stay on the edge")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--bins", o->bins, "Histogram bins")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_flag("-v,--verbose", o->verbose, "Print each prompt's perplexity");
  return [o]() { return run_calibrate_router(*o); };
}

}  // namespace tandem::cli
