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

}  // namespace tandem::cli
