// tandem: one binary, one subcommand per tool.
//
// Exit codes (README.md, "CLI"): 0 success (and --help, --version, --dry-run); 1 any usage
// or input error: a bad flag or value, a missing or unreadable file, a failure while
// running. Nothing else is returned; the servers exit 0 after SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/llama_argv.h"

namespace {

// CLI11 would return its own codes (105 for a bad value, 109 for an unknown flag, ...);
// Tandem's contract is one "error:" line and exit code 1 for every usage error.
int usage_error(const CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
    return app.exit(e);  // --help, --version: printed to stdout, exit 0
  std::string hint = "tandem --help";
  const auto subs = app.get_subcommands();
  if (!subs.empty()) hint = "tandem " + subs.front()->get_name() + " --help";
  std::fprintf(stderr, "error: %s (see `%s`)\n", e.what(), hint.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tandem: hybrid edge-cloud LLM inference", "tandem"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tandem 0.1.0");
  tandem::cli::register_commands(app);
  // llama.cpp's -ngl/-np/-md are not names CLI11 can hold; see llama_argv.h.
  const auto args = tandem::cli::map_llama_short_names(argc, argv);
  std::vector<const char*> arg_ptrs;
  for (const auto& a : args) arg_ptrs.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }
  try {
    return tandem::cli::run_selected(app);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (...) {
    std::fprintf(stderr, "error: unexpected failure\n");
    return 1;
  }
}
