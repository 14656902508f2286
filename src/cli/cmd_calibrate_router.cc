// tandem calibrate-router: the routing perplexity of each prompt under the edge model, exactly
// as the Dispatcher computes it (the prompt as a user message rendered with the edge chat
// template, the same tokenization, the held routing prefill of dispatcher::EdgeSession), their
// distribution, and the threshold that keeps the requested share of prompts on the edge.
// With --target-pgr it calibrates by quality instead: on prompt/continuation pairs measured
// against a cloud model, the lowest cloud share whose routing recovers the target share of
// the edge-to-cloud quality gap (PGR, router/pgr.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "cli/commands.h"
#include "cli/model_options.h"
#include "cli/pair_measure.h"
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
  std::optional<double> target_pgr;
  PairMeasureOptions pairs;
  std::string write_policy;  // the calibrated policy, with the command in a comment header
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

// The command line that reproduces a --target-pgr calibration (for the policy's header).
std::string command_line(const CalibrateRouterOptions& o) {
  std::string c = fmt::format("tandem calibrate-router -m {}", o.model.model_path);
  if (!o.model.tokenizer_path.empty()) c += " -z " + o.model.tokenizer_path;
  c += fmt::format(" --cloud {} --pairs {} --split {} --target-pgr {}", o.pairs.cloud_path,
                   o.pairs.pairs_path, o.pairs.split, *o.target_pgr);
  if (o.raw) c += " --raw";
  if (!o.chat_template.empty()) c += " --chat-template " + o.chat_template;
  if (!o.write_policy.empty()) c += " --write-policy " + o.write_policy;
  return c;
}

int run_target_pgr(CalibrateRouterOptions o) {
  if (o.pairs.cloud_path.empty() || o.pairs.pairs_path.empty())
    throw std::runtime_error("--target-pgr needs --cloud and --pairs");
  o.pairs.raw = o.raw;
  o.pairs.chat_template = o.chat_template;
  o.pairs.intent_path = "none";  // the calibrated policy routes by perplexity alone
  const double target = *o.target_pgr;
  const auto m = measure_pairs(o.model, o.pairs);
  const auto rows = router::select_split(m.rows, o.pairs.split);
  std::vector<double> ppls;
  for (const auto& r : rows) ppls.push_back(r.ppl);
  const auto items = router::routed_items(rows, router::Quality::kTeacherForced,
                                          [](const router::PairRow& r) { return r.ppl; });
  const auto curve = router::pgr_curve(items);
  fmt::print("{} pairs ({} split), routing perplexity {}\n", rows.size(), o.pairs.split, m.scoring);
  fmt::print("mean quality (teacher-forced log-likelihood): edge {:.4f}, cloud {:.4f}\n",
             curve.q_edge, curve.q_cloud);
  if (!curve.defined())
    throw std::runtime_error(
        "the cloud is not better than the edge on these pairs: no quality "
        "gap to recover, so no PGR target can be calibrated");
  const auto p = router::first_reaching(curve, target);
  if (!p) throw std::runtime_error("the perplexity router never reaches the target PGR");
  // All to the cloud: a threshold below every perplexity.
  const double threshold = std::isfinite(p->threshold)
                               ? p->threshold
                               : std::nextafter(*std::min_element(ppls.begin(), ppls.end()), 0.0);
  size_t cloud = 0;
  for (double v : ppls) cloud += v > threshold;
  fmt::print("{}", router::summarize_ppl(ppls, o.bins).render(threshold));
  fmt::print(
      "threshold {:.4f}: {} of {} prompts to the cloud (share {:.3f}), PGR {:.3f} "
      "(target {:.3f}); APGR of the curve {:.3f}\n",
      threshold, cloud, ppls.size(), p->share, p->pgr, target, router::apgr(curve));
  const std::string policy = fmt::format(
      "[routing]\nppl_threshold = {:.4f}\n# perplexity alone decides (no intent rule)\n"
      "cloud_intents = []\n",
      threshold);
  fmt::print("\n{}", policy);
  if (!o.write_policy.empty()) {
    std::ofstream f(o.write_policy);
    if (!f) throw std::runtime_error(o.write_policy + ": cannot write");
    f << fmt::format(
        "# Routing policy calibrated by quality: the lowest perplexity threshold whose routing\n"
        "# recovers PGR >= {} of the edge-to-cloud quality gap on the calibration pairs\n"
        "# (cloud share {:.3f}, PGR {:.3f} on {} pairs). Produced by:\n#   {}\n",
        target, p->share, p->pgr, rows.size(), command_line(o));
    f << policy;
    fmt::print(stderr, "wrote {}\n", o.write_policy);
  }
  return 0;
}

int run_calibrate_router(const CalibrateRouterOptions& o) {
  if (o.target_pgr) return run_target_pgr(o);
  if (o.prompts_file.empty()) throw std::runtime_error("--prompts is required (or --target-pgr)");
  const auto prompts = read_prompts(o.prompts_file);
  auto m = o.model.load();
  // The Dispatcher's edge context: longer prompts go to the Commander on their length, so
  // they never need a threshold.
  const int32_t n_ctx = server_context(*m, o.ctx);
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
  cmd->add_option("--prompts", o->prompts_file, "Prompts, one per line (for --local-share)")
      ->check(CLI::ExistingFile);
  auto* share = cmd->add_option("--local-share", o->local_share,
                                "Share of prompts that should stay on the edge")
                    ->capture_default_str()
                    ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--target-pgr", o->target_pgr,
                  "Calibrate by quality instead: the lowest cloud share whose routing recovers "
                  "this share of the quality gap on --pairs measured against --cloud")
      ->check(CLI::Range(0.0, 1.0))
      ->excludes(share);
  o->pairs.add_to(cmd, /*cloud_required=*/false, /*scoring_flags=*/false);
  cmd->add_option("--write-policy", o->write_policy,
                  "With --target-pgr: write the calibrated policy TOML here, with the command "
                  "that produced it as a comment");
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
                "Score each line as bare text (BOS + text), as the Dispatcher scores a "
                "/v1/completions prompt (default: a chat turn in the edge template, as for "
                "/v1/chat/completions)");
  return [o]() { return run_calibrate_router(*o); };
}

}  // namespace tandem::cli
