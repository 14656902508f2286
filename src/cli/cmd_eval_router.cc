// tandem eval-router: the quality/cost curve of the Dispatcher's router on (prompt, true
// continuation) pairs. Per pair: the routing signals as the Dispatcher computes them and the
// quality of each node's answer (teacher-forced log-likelihood of the true continuation; the
// cloud model's log-likelihood of each node's greedy answer). Then, per quality measure and
// domain, every router's PGR curve, APGR and the cloud share needed for 50/80/95% PGR.
#include <fmt/format.h>

#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/pair_measure.h"
#include "router/decision.h"
#include "router/linear_scorer.h"
#include "router/router_eval.h"

namespace tandem::cli {
namespace {

struct EvalRouterOptions {
  ModelOptions edge;
  PairMeasureOptions pairs;
  std::optional<double> threshold;
  bool signals = false;
  std::string csv_path, json_path;
};

const std::vector<double> kTargets = {0.5, 0.8, 0.95};

std::string share_text(const std::optional<double>& s) {
  return s ? fmt::format("{:5.1f}%", 100 * *s) : std::string("  never");
}

const char* quality_name(router::Quality q) {
  return q == router::Quality::kTeacherForced ? "teacher-forced" : "answer";
}

std::vector<std::string> domains_of(const std::vector<router::PairRow>& rows) {
  std::vector<std::string> d = {"all"};
  for (const auto& r : rows)
    if (std::find(d.begin(), d.end(), r.domain) == d.end()) d.push_back(r.domain);
  return d;
}

// A fixed split's point (e.g. a threshold or the whole policy), printed and returned as JSON.
nlohmann::json fixed_point(const std::string& label, const std::vector<router::PairRow>& rows,
                           const std::function<bool(const router::PairRow&)>& to_cloud) {
  nlohmann::json j = {{"label", label}};
  for (const auto& domain : domains_of(rows)) {
    const auto sub = router::rows_of(rows, domain);
    std::unique_ptr<bool[]> flags(new bool[sub.size()]);
    for (size_t i = 0; i < sub.size(); ++i) flags[i] = to_cloud(sub[i]);
    const std::span<const bool> f(flags.get(), sub.size());
    const auto t =
        router::pgr_point(router::routed_items(sub, router::Quality::kTeacherForced, {}), f);
    const auto a = router::pgr_point(router::routed_items(sub, router::Quality::kAnswer, {}), f);
    fmt::print("{} [{}]: cloud share {:.3f}, PGR {:.3f} (teacher-forced), {:.3f} (answer)\n", label,
               domain, t.share, t.pgr, a.pgr);
    j[domain] = {{"share", t.share}, {"pgr", t.pgr}, {"pgr_answer", a.pgr}};
  }
  return j;
}

void write_csv(const std::string& path, const std::vector<router::PairRow>& rows) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot write");
  f << "index,domain,ppl,prompt_tokens,intent,intent_p,intent_cloud,prompt_entropy,"
       "prompt_margin,gen_entropy,gen_margin,learned,q_edge,q_cloud,a_edge,a_cloud\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    f << fmt::format(
        "{},{},{:.6g},{},{},{:.4f},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6f},{:.6f},"
        "{:.6f},{:.6f}\n",
        i, r.domain, r.ppl, r.prompt_tokens, r.intent, r.intent_p, r.intent_cloud ? 1 : 0,
        r.prompt_entropy, r.prompt_margin, r.gen_entropy, r.gen_margin, r.learned, r.q_edge,
        r.q_cloud, r.a_edge, r.a_cloud);
  }
}

int run_eval_router(EvalRouterOptions o) {
  auto m = measure_pairs(o.edge, o.pairs);
  // The learned scorer is fitted on the other half of the pairs, never on those it routes.
  const bool learned = o.signals && o.pairs.split != "all";
  if (learned) {
    const auto train = router::select_split(m.rows, o.pairs.split == "even" ? "odd" : "even");
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (const auto& r : train) {
      x.push_back(learned_features(r));
      y.push_back(r.q_cloud - r.q_edge);
    }
    const auto scorer = router::LinearScorer::fit(x, y);
    for (auto& r : m.rows) r.learned = scorer.score(learned_features(r));
    fmt::print("learned scorer (ridge on the {} split, target q_cloud - q_edge): {}\n",
               o.pairs.split == "even" ? "odd" : "even", scorer.describe(learned_feature_names()));
  }
  const auto rows = router::select_split(m.rows, o.pairs.split);
  fmt::print("edge {}, cloud {}, {} pairs ({} split), routing perplexity {}\n", o.edge.model_path,
             o.pairs.cloud_path, rows.size(), o.pairs.split, m.scoring);
  auto routers = router::baseline_routers();
  if (o.signals)
    for (auto& r : router::signal_routers(learned)) routers.push_back(std::move(r));
  nlohmann::json out = {{"edge", o.edge.model_path},   {"cloud", o.pairs.cloud_path},
                        {"pairs", o.pairs.pairs_path}, {"split", o.pairs.split},
                        {"scoring", m.scoring},        {"results", nlohmann::json::array()}};
  for (auto q : {router::Quality::kTeacherForced, router::Quality::kAnswer}) {
    for (const auto& domain : domains_of(rows)) {
      const auto sub = router::rows_of(rows, domain);
      const auto base = router::pgr_curve(router::routed_items(sub, q, {}));
      fmt::print(
          "\n== quality {}, domain {} ({} pairs): q_edge {:.4f}, q_cloud {:.4f}, gap {:+.4f}\n",
          quality_name(q), domain, sub.size(), base.q_edge, base.q_cloud, base.gap());
      nlohmann::json jr = {{"quality", quality_name(q)},
                           {"domain", domain},
                           {"n", sub.size()},
                           {"q_edge", base.q_edge},
                           {"q_cloud", base.q_cloud},
                           {"defined", base.defined()},
                           {"routers", nlohmann::json::array()}};
      if (!base.defined()) {
        // A ratio of a negative gap would rank routers backwards; the gap itself is the finding.
        fmt::print("   the cloud is not better on the mean here: PGR is not defined\n");
        out["results"].push_back(jr);
        continue;
      }
      fmt::print("{:<16} {:>6} {:>8} {:>8} {:>8}\n", "router", "APGR", "PGR50", "PGR80", "PGR95");
      for (const auto& spec : routers) {
        const auto res = router::evaluate_router(spec, sub, q, kTargets);
        std::string line = fmt::format("{:<16} {:6.3f}", res.name, res.apgr);
        for (const auto& [t, s] : res.share_for) line += fmt::format(" {:>8}", share_text(s));
        if (res.point)
          line += fmt::format("   (one point: share {:.3f}, PGR {:.3f})", res.point->share,
                              res.point->pgr);
        fmt::print("{}\n", line);
        nlohmann::json pts = nlohmann::json::array();
        for (const auto& p : res.curve.points) pts.push_back({p.share, p.pgr});
        nlohmann::json rj = {{"name", res.name}, {"apgr", res.apgr}, {"points", pts}};
        for (const auto& [t, s] : res.share_for)
          rj["share_for"][fmt::format("{:.2f}", t)] = s ? nlohmann::json(*s) : nlohmann::json();
        if (res.point) rj["point"] = {res.point->share, res.point->pgr};
        jr["routers"].push_back(rj);
      }
      out["results"].push_back(jr);
    }
  }
  fmt::print("\n");
  if (o.threshold) {
    const double t = *o.threshold;
    out["threshold"] = fixed_point(fmt::format("perplexity threshold {:.4f}", t), rows,
                                   [t](const router::PairRow& r) { return r.ppl > t; });
  }
  if (!o.pairs.policy_path.empty()) {
    // The whole policy as the Dispatcher applies it (intent rule, then perplexity).
    const auto& policy = m.policy;
    out["policy"] =
        fixed_point("policy " + o.pairs.policy_path, rows, [&](const router::PairRow& r) {
          router::RoutingSignals s;
          if (!r.intent.empty())
            s.intent = router::IntentResult{r.intent, {{r.intent, r.intent_p}}};
          s.ppl = r.ppl;
          s.prompt_tokens = r.prompt_tokens;
          return router::decide(s, policy).route == router::Route::kCloud;
        });
  }
  if (!o.csv_path.empty()) write_csv(o.csv_path, rows);
  if (!o.json_path.empty()) {
    std::ofstream f(o.json_path);
    if (!f) throw std::runtime_error(o.json_path + ": cannot write");
    f << out.dump(1) << "\n";
  }
  return 0;
}

}  // namespace

CommandAction register_eval_router(CLI::App& app) {
  auto o = std::make_shared<EvalRouterOptions>();
  auto* cmd = app.add_subcommand(
      "eval-router",
      "Quality/cost curves of the router on prompt/continuation pairs (PGR vs cloud share)");
  cmd->add_option("-m,--edge,--model", o->edge.model_path, "The edge model (GGUF or llama2.c)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-z,--tokenizer", o->edge.tokenizer_path,
                  "Tokenizer file for llama2.c checkpoints (e.g. tok512.bin)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-t,--threads", o->edge.threads, "Threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  o->pairs.add_to(cmd, /*cloud_required=*/true, /*scoring_flags=*/true);
  cmd->add_option("--policy", o->pairs.policy_path,
                  "A routing policy TOML: its cloud_intents drive the intent router, and the "
                  "whole policy's point is printed")
      ->check(CLI::ExistingFile);
  cmd->add_option("--threshold", o->threshold,
                  "Also print the share and PGR of the perplexity router at this threshold");
  cmd->add_flag("--signals", o->signals,
                "Also evaluate the edge's entropy/margin signals (prompt, first generated "
                "tokens) and, with --split even|odd, a scorer learned on the other half");
  cmd->add_option("--csv", o->csv_path, "Write the per-pair table (CSV)");
  cmd->add_option("--json", o->json_path, "Write the curves and tables (JSON)");
  return [o]() { return run_eval_router(*o); };
}

}  // namespace tandem::cli
