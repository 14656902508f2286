#include "cli/commands.h"

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
}
}  // namespace

void register_commands(CLI::App& app) {
  add(app, "run", register_run);
  add(app, "ppl", register_ppl);
  add(app, "tokenize", register_tokenize);
  add(app, "inspect", register_inspect);
  add(app, "synth", register_synth);
  add(app, "quantize", register_quantize);
  add(app, "convert", register_convert);
  add(app, "export-hf", register_export_hf);
  add(app, "commander", register_commander);
  add(app, "dispatcher", register_dispatcher);
  add(app, "bench", register_bench);
  add(app, "privacy-scan", register_privacy_scan);
  add(app, "privacy-eval", register_privacy_eval);
  add(app, "train-intent", register_train_intent);
  add(app, "calibrate-router", register_calibrate_router);
}

int run_selected(CLI::App& app) {
  for (auto* sub : app.get_subcommands()) {
    auto it = actions().find(sub->get_name());
    if (it != actions().end()) return it->second();
  }
  return 1;
}

}  // namespace tandem::cli
