// tandem train-intent: trains the intent classifier from the labelled TSV, reports held-out
// accuracy and per-class precision/recall, and writes the model file.
#include <fmt/format.h>

#include "cli/commands.h"
#include "router/intent_eval.h"

namespace tandem::cli {
namespace {

struct TrainIntentOptions {
  std::string data;
  std::string output;
  double holdout = 0.2;
  uint64_t seed = 1;
  router::IntentTrainOptions train;
};

int run_train_intent(const TrainIntentOptions& o) {
  auto all = router::load_intent_tsv(o.data);
  const size_t n_all = all.size();
  auto split = router::split_holdout(std::move(all), o.holdout, o.seed);
  fmt::print("{}: {} examples; training on {}, holding out {} (seed {})\n", o.data, n_all,
             split.train.size(), split.test.size(), o.seed);
  const auto model = router::IntentClassifier::train(split.train, o.train);
  if (!split.test.empty()) fmt::print("held-out {}", router::evaluate(model, split.test).report());
  // The shipped model learns from every example once the held-out figure is known.
  if (!o.output.empty()) {
    std::vector<router::IntentExample> every = std::move(split.train);
    every.insert(every.end(), split.test.begin(), split.test.end());
    const auto final_model = router::IntentClassifier::train(every, o.train);
    final_model.save(o.output);
    fmt::print("wrote {} ({} classes, {} features)\n", o.output, final_model.classes().size(),
               final_model.n_features());
  }
  return 0;
}

}  // namespace

CommandAction register_train_intent(CLI::App& app) {
  auto o = std::make_shared<TrainIntentOptions>();
  auto* cmd = app.add_subcommand("train-intent", "Train the intent classifier from a labelled TSV");
  cmd->add_option("--data", o->data, "label<TAB>text file")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o->output, "Model file to write (trained on all examples)");
  cmd->add_option("--holdout", o->holdout, "Share of examples held out for evaluation")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9));
  cmd->add_option("-s,--seed", o->seed, "Seed of the held-out split")->capture_default_str();
  cmd->add_option("--min-n", o->train.min_n, "Shortest character n-gram")
      ->capture_default_str()
      ->check(CLI::Range(1, 8));
  cmd->add_option("--max-n", o->train.max_n, "Longest character n-gram")
      ->capture_default_str()
      ->check(CLI::Range(1, 8));
  cmd->add_option("--alpha", o->train.alpha, "Additive smoothing")->capture_default_str();
  cmd->add_option("--min-count", o->train.min_count, "Drop features seen fewer times")
      ->capture_default_str();
  return [o]() { return run_train_intent(*o); };
}

}  // namespace tandem::cli
