// tandem calibrate-router: the routing perplexity of each prompt under the edge model, exactly
// as the Dispatcher computes it (the prompt as a user message rendered with the edge chat
// template, the same tokenization, the held routing prefill of dispatcher::EdgeSession), their
// distribution, and the threshold that keeps the requested share of prompts on the edge.
#include <fmt/format.h>

#include <fstream>

#include "cli/commands.h"
#include "cli/model_options.h"
#include "dispatcher/edge/edge_engine.h"
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
  bool raw = false;  // score the bare text (no chat template), as before the Dispatcher's way
  std::string chat_template;
  int32_t ctx = 0;
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
  const int64_t train = m->config().n_ctx_train > 0 ? m->config().n_ctx_train : 2048;
  // The Dispatcher's default edge context (cmd_dispatcher.cc): longer prompts go to the
  // Commander on their length, so they never need a threshold.
  const int32_t n_ctx = o.ctx > 0 ? o.ctx : static_cast<int32_t>(std::min<int64_t>(train, 4096));
  dispatcher::EdgeEngine edge(std::move(m), o.model.resolved_threads(), n_ctx, o.chat_template,
                              /*n_slots=*/1);
  if (!o.raw)
    fmt::print(stderr, "scoring as the Dispatcher: chat template {}\n",
               edge.chat_template().describe());
  std::vector<double> ppls;
  for (size_t i = 0; i < prompts.size(); ++i) {
    std::vector<tokenizer::TokenId> tokens;
    if (o.raw) {
      tokens = edge.tokenizer().encode(prompts[i], /*add_special=*/true, false);
    } else {
      api::ChatRequest r;
      r.messages.emplace_back("user", prompts[i]);
      tokens = edge.encode(edge.render_request(r));
    }
    if (tokens.size() < 2 || static_cast<int64_t>(tokens.size()) >= n_ctx) {
      fmt::print(stderr, "skipping prompt {}: {} tokens (the Dispatcher scores 2 to {})\n", i + 1,
                 tokens.size(), n_ctx - 1);
      continue;
    }
    dispatcher::EdgeSession s(edge);
    const auto r = s.prefill_scored(tokens);
    ppls.push_back(r.ppl);
    if (o.verbose) fmt::print("{:10.3f}  {}\n", r.ppl, prompts[i]);
  }
  if (ppls.empty()) throw std::runtime_error(o.prompts_file + ": no prompt could be scored");
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
  cmd->add_option("--chat-template", o->chat_template,
                  "The Dispatcher's --chat-template, if it is started with one");
  cmd->add_option("-c,--ctx,--ctx-size", o->ctx,
                  "The Dispatcher's edge context (default: as the Dispatcher's); longer prompts "
                  "are skipped (the Dispatcher sends them to the Commander on their length)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_flag("--raw", o->raw,
                "Score each line as bare text (BOS + text), not as the Dispatcher does (a chat "
                "turn in the edge template)");
  return [o]() { return run_calibrate_router(*o); };
}

}  // namespace tandem::cli
