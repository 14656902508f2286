// Options shared by the commands that load a model (-m, -z, -t) and the loading itself.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "engine/model.h"

namespace tandem::cli {

struct ModelOptions {
  std::string model_path;
  std::string tokenizer_path;
  int threads = 0;  // 0 = all hardware threads
  std::string kv_type = "f16";

  void add_to(CLI::App* cmd, bool with_threads = true);
  int resolved_threads() const;
  model::GgmlType resolved_kv_type() const;
  // Loads and reports the load time on stderr (servers: as a log line, so --log-format json
  // keeps every line JSON).
  std::unique_ptr<engine::Model> load(bool verbose = true) const;
  bool log_load = false;
};

// The servers' context per sequence: `requested` (-c) when > 0, else the model's training
// context (2048 when the file does not say) capped at 4096. calibrate-router and eval-router
// use it too, to score exactly what a Dispatcher started with the same -c would.
int32_t server_context(const engine::Model& m, int32_t requested);

}  // namespace tandem::cli
