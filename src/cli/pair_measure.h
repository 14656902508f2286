// Measures (prompt, continuation) pairs for router evaluation and calibration: each prompt's
// routing signals exactly as the Dispatcher computes them (its edge engine, its tokenization,
// its intent classifier) and the quality of each node's answer, from the engine directly.
// Shared by eval-router and calibrate-router --target-pgr.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/model_options.h"
#include "router/data_files.h"
#include "router/eval_pairs.h"
#include "router/policy.h"
#include "router/router_eval.h"

namespace tandem::cli {

struct PairMeasureOptions {
  std::string cloud_path;     // the cloud model (same tokenizer as the edge)
  std::string pairs_path;     // JSONL, router/eval_pairs.h
  std::string split = "all";  // all | even | odd
  bool raw = false;           // score as a /v1/completions prompt (BOS + text), not a chat turn
  std::string chat_template;
  std::string intent_path =
      router::data_file("intent/intent_model.bin").string();  // "none": no intent signal
  std::string policy_path;    // its cloud_intents decide the intent router; empty: defaults
  int answer_tokens = 48;     // greedy answer length for the answer-based score
  int gen_signal_tokens = 4;  // the edge's first generated tokens that give the gen signals
  bool quiet = false;

  // Adds --cloud, --pairs, --split, --intent-model, --answer-tokens, and with
  // `scoring_flags` --raw and --chat-template (calibrate-router has its own).
  // `cloud_required`: eval-router needs them; calibrate-router only with --target-pgr.
  void add_to(CLI::App* cmd, bool cloud_required, bool scoring_flags);
};

struct MeasuredPairs {
  std::vector<router::PairRow> rows;  // of every pair in the file, in file order
  std::vector<router::EvalPair> pairs;
  router::RoutingPolicy policy;
  std::string scoring;  // how the routing perplexity was computed, for the report
};

// Loads both models, measures every pair in the file (splits are chosen by the caller with
// router::select_split), and prints progress on stderr.
MeasuredPairs measure_pairs(const ModelOptions& edge, const PairMeasureOptions& o);

// The learned scorer's features of a row, and their names.
std::vector<double> learned_features(const router::PairRow& r);
const std::vector<std::string>& learned_feature_names();

}  // namespace tandem::cli
