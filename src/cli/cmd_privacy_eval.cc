// tandem privacy-eval: precision, recall and F1 of the privacy detectors per type on a
// labelled corpus (testdata/privacy/corpus.jsonl), so a detector change is measured.
#include <fmt/format.h>

#include <stdexcept>

#include "cli/commands.h"
#include "privacy/evaluation.h"

namespace tandem::cli {
namespace {

struct PrivacyEvalOptions {
  std::string corpus;
  bool mistakes = false;
};

void print_row(std::string_view name, const privacy::TypeScore& s) {
  fmt::print("{:<8} {:>5} {:>5} {:>5} {:>5}  {:>9.3f} {:>7.3f} {:>6.3f}\n", name, s.tp + s.fn, s.tp,
             s.fp, s.fn, s.precision(), s.recall(), s.f1());
}

int run_privacy_eval(const PrivacyEvalOptions& o) {
  // Checked here rather than by CLI11 so that every failure reads "error: ..." and exits 1.
  if (o.corpus.empty()) throw std::invalid_argument("--corpus FILE is required");
  const auto corpus = privacy::load_corpus(o.corpus);
  const auto report = privacy::evaluate(corpus);
  fmt::print("corpus: {} ({} cases)\n", o.corpus, report.cases);
  fmt::print("{:<8} {:>5} {:>5} {:>5} {:>5}  {:>9} {:>7} {:>6}\n", "type", "gold", "tp", "fp", "fn",
             "precision", "recall", "f1");
  for (privacy::PiiType t : privacy::kAllPiiTypes) print_row(privacy::pii_key(t), report.score(t));
  print_row("all", report.all);
  if (o.mistakes)
    for (const auto& m : report.mistakes) fmt::print("{}\n", m);
  return 0;
}

}  // namespace

CommandAction register_privacy_eval(CLI::App& app) {
  auto o = std::make_shared<PrivacyEvalOptions>();
  auto* cmd = app.add_subcommand(
      "privacy-eval", "Score the privacy detectors on a labelled corpus (precision/recall/F1)");
  cmd->add_option("--corpus", o->corpus,
                  "JSON Lines corpus: {\"text\": ..., \"entities\": [{\"type\", \"value\"}]}");
  cmd->add_flag("--mistakes", o->mistakes, "Also list every miss (fn) and false alarm (fp)");
  return [o]() { return run_privacy_eval(*o); };
}

}  // namespace tandem::cli
