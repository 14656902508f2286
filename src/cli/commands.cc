#include "cli/commands.h"

#include <fmt/core.h>

#include <map>
#include <string>

namespace tandem::cli {
namespace {
std::map<std::string, CommandAction>& actions() {
  static std::map<std::string, CommandAction> a;
  return a;
}
void add(CLI::App& app, const std::string& name, CommandAction (*reg)(CLI::App&)) {
  actions()[name] = reg(app);
  // --dry-run shows how the command line was read (which llama.cpp spelling reached which
  // option) without loading anything. Not part of the dump itself.
  app.get_subcommand(name)
      ->add_flag("--dry-run")
      ->description("Print the options as parsed (one name=value per line) and exit")
      ->configurable(false);
}
}  // namespace

void register_commands(CLI::App& app) {
  add(app, "run", register_run);
  add(app, "ppl", register_ppl);
  add(app, "tokenize", register_tokenize);
  add(app, "inspect", register_inspect);
  add(app, "synth", register_synth);
  add(app, "quantize", register_quantize);
  add(app, "split", register_split);
  add(app, "convert", register_convert);
  add(app, "export-hf", register_export_hf);
  add(app, "commander", register_commander);
  add(app, "dispatcher", register_dispatcher);
  add(app, "bench", register_bench);
  add(app, "privacy-scan", register_privacy_scan);
  add(app, "privacy-eval", register_privacy_eval);
  add(app, "train-intent", register_train_intent);
  add(app, "calibrate-router", register_calibrate_router);
  add(app, "eval-router", register_eval_router);
  add(app, "eval-compress", register_eval_compress);
}

int run_selected(CLI::App& app) {
  for (auto* sub : app.get_subcommands()) {
    if (sub->count("--dry-run") > 0) {
      fmt::print("{}", sub->config_to_str(/*default_also=*/false, /*write_description=*/false));
      return 0;
    }
    auto it = actions().find(sub->get_name());
    if (it != actions().end()) return it->second();
  }
  return 1;
}

}  // namespace tandem::cli
