// Registration of every `tandem` subcommand; each lives in its own cmd_*.cc.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace tandem::cli {

using CommandAction = std::function<int()>;

// Each cmd_*.cc defines one of these: it adds its subcommand and returns what runs it.
CommandAction register_inspect(CLI::App& app);
CommandAction register_run(CLI::App& app);
CommandAction register_ppl(CLI::App& app);
CommandAction register_tokenize(CLI::App& app);
CommandAction register_synth(CLI::App& app);
CommandAction register_quantize(CLI::App& app);
CommandAction register_split(CLI::App& app);
CommandAction register_convert(CLI::App& app);
CommandAction register_export_hf(CLI::App& app);
CommandAction register_commander(CLI::App& app);
CommandAction register_dispatcher(CLI::App& app);
CommandAction register_bench(CLI::App& app);
CommandAction register_privacy_scan(CLI::App& app);
CommandAction register_privacy_eval(CLI::App& app);
CommandAction register_train_intent(CLI::App& app);
CommandAction register_calibrate_router(CLI::App& app);
CommandAction register_eval_router(CLI::App& app);
CommandAction register_eval_compress(CLI::App& app);

void register_commands(CLI::App& app);
// Runs the subcommand that was parsed; returns the process exit code.
int run_selected(CLI::App& app);

}  // namespace tandem::cli
