#include "cli/served_models.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <stdexcept>

#include "model/gguf_split.h"
#include "registry/model_limits.h"
#include "registry/model_router.h"
#include "registry/model_swap.h"

namespace tandem::cli {

void add_served_models_options(CLI::App* cmd, ServedModelsOptions& o) {
  cmd->add_option("--models-dir", o.models_dir,
                  "Serve every *.gguf in this directory (id: the file stem), each loaded on "
                  "first request; -m names one loaded at start; SIGHUP re-reads it")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--models-max-bytes", o.max_bytes,
                  "With --models-dir: bytes of model files loaded at once (500M, 2G; 0: no "
                  "limit); idle models are unloaded least recently used first to make room")
      ->capture_default_str();
  cmd->add_option("--keep-alive", o.keep_alive,
                  "With --models-dir: how long an idle model stays loaded (5m, 30s, 1h; 0: "
                  "unload after each request; -1: forever); a request's keep_alive overrides")
      ->capture_default_str();
}

void validate(const ServedModelsOptions& o) {
  try {  // bad values fail at parse time with one line, not when the first model loads
    registry::parse_byte_size(o.max_bytes);
    registry::parse_keep_alive(o.keep_alive);
  } catch (const std::invalid_argument& e) {
    throw CLI::ValidationError(e.what());
  }
}

namespace {

// The files served: every *.gguf of --models-dir, and -m under its alias (listed once when
// the directory holds it too). Sets start_id to -m's id, or to the only model's.
std::vector<registry::ModelFile> model_files(const ServedModelsOptions& o,
                                             const std::string& start_path,
                                             const std::string& alias, std::string& start_id) {
  std::vector<registry::ModelFile> files;
  if (!o.models_dir.empty()) files = registry::ModelRegistry::scan_dir(o.models_dir);
  if (!start_path.empty()) {
    const std::filesystem::path p = start_path;
    start_id = alias.empty() ? model::split::model_stem(p) : alias;
    std::erase_if(files, [&](const registry::ModelFile& f) {
      std::error_code ec;
      if (f.id != start_id) return false;
      if (std::filesystem::equivalent(f.path, p, ec)) return true;  // the same file, listed once
      throw std::invalid_argument("the model id '" + start_id + "' is both " + p.string() +
                                  " (-m) and " + f.path.string() + " (--models-dir)");
    });
    files.push_back(registry::model_file(start_id, p));
  }
  if (files.empty())
    throw std::invalid_argument("--models-dir " + o.models_dir + " has no .gguf file");
  if (files.size() == 1 && start_id.empty()) start_id = files.front().id;
  return files;
}

}  // namespace

ServedModels serve_models(const ServedModelsOptions& o, const ModelOptions& model,
                          const std::string& alias, MakeServedModel make_service,
                          const std::string& role) {
  auto load_model = [model](const registry::ModelFile& f) {
    ModelOptions mo = model;
    mo.model_path = f.path.string();
    mo.log_load = true;  // mapped, not read: a log line with its time, no progress bar
    return mo.load();
  };
  const bool single = o.models_dir.empty();
  registry::ModelRegistryOptions ro;
  if (single) {  // -m alone: the model stays, whatever a request's keep_alive says
    ro.keep_alive = registry::kKeepForever;
    ro.request_keep_alive = false;
  } else {
    ro.max_bytes = registry::parse_byte_size(o.max_bytes);
    ro.keep_alive = registry::parse_keep_alive(o.keep_alive);
  }
  std::string start_id;
  const std::string start_path = model.model_path;
  auto files = model_files(o, start_path, alias, start_id);
  const std::string mmproj_id = start_path.empty() ? "" : start_id;
  auto registry = std::make_shared<registry::ModelRegistry>(
      files, ro, [load_model, make_service, mmproj_id](const registry::ModelFile& f) {
        return make_service(load_model(f), f, f.id == mmproj_id);
      });
  registry::SwapHooks swap_hooks;
  swap_hooks.load_model = load_model;
  swap_hooks.make_service = [make_service, mmproj_id](std::unique_ptr<engine::Model> m,
                                                      const registry::ModelFile& f) {
    return make_service(std::move(m), f, f.id == mmproj_id);
  };
  swap_hooks.threads = model.resolved_threads();
  auto swapper = std::make_shared<registry::ModelSwapper>(registry, std::move(swap_hooks));
  if (!single)
    spdlog::info("{}: {} models in {}, budget {}, keep-alive {}", role, files.size(), o.models_dir,
                 ro.max_bytes ? fmt::format("{} bytes", ro.max_bytes) : "unlimited",
                 registry::describe_keep_alive(ro.keep_alive));
  if (!start_path.empty()) {
    // Loaded here rather than through acquire(), so that its failure is the command's own
    // error line; then leased once to keep it for good.
    const registry::ModelFile& f = files.back();
    registry->replace(start_id, make_service(load_model(f), f, true), f);
    registry->acquire(start_id, registry::kKeepForever).reset();
  }
  auto reload = [registry, swapper, dir = o.models_dir, start_path, start_id] {
    if (!dir.empty())
      for (auto& f : registry::ModelRegistry::scan_dir(dir)) {
        const std::string id = f.id, path = f.path.string();
        if (registry->add(std::move(f))) spdlog::info("SIGHUP: new model '{}' ({})", id, path);
      }
    if (start_path.empty()) return;
    registry::SwapRequest r;  // -m: the same path, through the swap and its self-test
    r.path = start_path;
    const auto out = swapper->swap(start_id, r);
    if (out.status == 200) spdlog::info("SIGHUP: '{}' reloaded from {}", start_id, start_path);
  };
  return {std::make_shared<registry::ModelRouter>(registry, start_id, swapper), reload, start_id};
}

}  // namespace tandem::cli
