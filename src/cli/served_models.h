// The model side of both servers: the models a node serves (-m, --models-dir) as a
// registry::ModelRegistry behind a registry::ModelRouter, with hot swap and SIGHUP. A node
// started with -m alone is a registry of one model that stays loaded, so swap and SIGHUP work
// there too (docs/MODELS.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "cli/model_options.h"
#include "engine/model.h"
#include "http/http_server.h"
#include "registry/model_registry.h"

namespace tandem::cli {

struct ServedModelsOptions {
  std::string models_dir;  // --models-dir (empty: -m alone)
  std::string max_bytes = "0";
  std::string keep_alive = "5m";
};

// --models-dir, --models-max-bytes, --keep-alive; and a check of the two values at parse time
// (call validate() from the command's callback).
void add_served_models_options(CLI::App* cmd, ServedModelsOptions& o);
void validate(const ServedModelsOptions& o);

// The node's service over a loaded model; `start`: the -m model (its --mmproj goes there).
using MakeServedModel = std::function<std::shared_ptr<registry::ServedModel>(
    std::unique_ptr<engine::Model>, const registry::ModelFile&, bool start)>;

struct ServedModels {
  std::shared_ptr<http::Service> router;
  std::function<void()> reload;  // SIGHUP: new files in --models-dir, -m swapped to itself
  std::string start_id;          // the model a request without "model" gets ("" if none)
};

// `model`: -m (may be empty with --models-dir), -z and the threads, applied to every file;
// `alias`: -m's id (empty: its stem). Loads the -m model before returning (its failure throws
// with context); the others load on their first request. `role` names the node in log lines.
ServedModels serve_models(const ServedModelsOptions& o, const ModelOptions& model,
                          const std::string& alias, MakeServedModel make_service,
                          const std::string& role);

}  // namespace tandem::cli
