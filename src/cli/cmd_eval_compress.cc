// tandem eval-compress: what prompt compression costs in answer quality. On prompt/continuation
// pairs, the cloud model's teacher-forced log-likelihood of the true continuation after the
// full prompt, after the prompt compressed by the edge model's surprisal, and after the same
// number of tokens kept at random or from the end (compress/evaluation.h).
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/compress_options.h"
#include "cli/model_options.h"
#include "compress/evaluation.h"
#include "router/eval_pairs.h"

namespace tandem::cli {
namespace {

struct EvalCompressOptions {
  ModelOptions edge;
  std::string cloud_path;
  std::string pairs_path;
  std::string split = "all";
  compress::EvalOptions eval;
  std::string json_path;
};

int run_eval_compress(const EvalCompressOptions& o) {
  const auto pairs = router::select_split(router::read_eval_pairs(o.pairs_path), o.split);
  std::vector<compress::EvalItem> items;
  for (const auto& p : pairs) items.push_back({p.domain, p.prompt_ids, p.cont_ids});
  auto edge = o.edge.load();
  ModelOptions cloud_opts = o.edge;
  cloud_opts.model_path = o.cloud_path;
  cloud_opts.tokenizer_path.clear();
  auto cloud = cloud_opts.load();
  compress::EvalOptions eo = o.eval;
  eo.threads = o.edge.resolved_threads();
  const auto reports = compress::evaluate(*edge, *cloud, items, eo);
  fmt::print(
      "keep {:.2f} of each prompt's tokens; {} random seeds; quality = the cloud model's "
      "mean log-likelihood per token of the true continuation (teacher-forced)\n",
      eo.keep, eo.seeds);
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : reports) {
    fmt::print("\n[{}] {} pairs\n", r.domain, r.n_items);
    fmt::print("{:<18} {:>9} {:>8} {:>9} {:>10}\n", "method", "mean ll", "sd", "vs full", "kept");
    const double full = r.methods.front().mean_ll;
    nlohmann::json jd = {{"domain", r.domain}, {"pairs", r.n_items}};
    for (const auto& m : r.methods) {
      fmt::print("{:<18} {:>9.4f} {:>8} {:>+9.4f} {:>9.1f}%\n", m.method, m.mean_ll,
                 m.sd_seeds > 0 ? fmt::format("{:.4f}", m.sd_seeds) : std::string("-"),
                 m.mean_ll - full, 100 * m.kept_ratio);
      jd["methods"].push_back({{"method", m.method},
                               {"mean_ll", m.mean_ll},
                               {"sd_seeds", m.sd_seeds},
                               {"kept_ratio", m.kept_ratio}});
    }
    // Pairs where the compressor beats the random-words mean, and the paired difference.
    const auto& s = r.method("surprisal").per_item;
    const auto& rw = r.method("random-words").per_item;
    size_t wins = 0;
    double diff = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      wins += s[i] > rw[i];
      diff += s[i] - rw[i];
    }
    fmt::print("surprisal vs random-words: better on {}/{} pairs, mean difference {:+.4f}\n", wins,
               s.size(), s.empty() ? 0.0 : diff / static_cast<double>(s.size()));
    jd["surprisal_beats_random_words"] = wins;
    j.push_back(jd);
  }
  if (!o.json_path.empty()) {
    std::ofstream f(o.json_path);
    if (!f) throw std::runtime_error("cannot write " + o.json_path);
    f << j.dump(2) << "\n";
  }
  return 0;
}

}  // namespace

CommandAction register_eval_compress(CLI::App& app) {
  auto o = std::make_shared<EvalCompressOptions>();
  auto* cmd = app.add_subcommand(
      "eval-compress",
      "Quality cost of prompt compression on prompt/continuation pairs (vs full, random, "
      "truncation)");
  cmd->add_option("-m,--edge,--model", o->edge.model_path,
                  "The edge model, whose surprisal picks the words (GGUF or llama2.c)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-z,--tokenizer", o->edge.tokenizer_path,
                  "Tokenizer file for a llama2.c edge checkpoint (e.g. tok512.bin)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--cloud", o->cloud_path, "The cloud model that answers (same tokenizer)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--pairs", o->pairs_path,
                  "Prompt/continuation pairs, JSONL: domain, prompt, continuation, prompt_ids, "
                  "cont_ids")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--split", o->split, "Which pairs: all, even or odd")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "even", "odd"}));
  cmd->add_option("--keep", o->eval.keep, "Share of each prompt's tokens kept")
      ->capture_default_str()
      ->check(keep_share());
  cmd->add_option("--keep-last-words", o->eval.keep_last_words,
                  "Words at the end of the prompt always kept")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  cmd->add_option("--tail-share", o->eval.tail_share,
                  "Share of the budget kept for the prompt's most recent words")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seeds", o->eval.seeds, "Seeds of the random baselines (1..N)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("-t,--threads", o->edge.threads, "Threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--json", o->json_path, "Write the tables (JSON)");
  return [o]() { return run_eval_compress(*o); };
}

}  // namespace tandem::cli
