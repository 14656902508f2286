// tandem commander: the cloud node, an OpenAI-compatible server over the local engine
// (continuous batching) or over an upstream OpenAI-compatible engine.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <filesystem>
#include <functional>

#include "cli/commands.h"
#include "cli/gpu_layers_option.h"
#include "cli/kv_budget_option.h"
#include "cli/memory_guard_option.h"
#include "cli/mmproj_option.h"
#include "cli/model_options.h"
#include "cli/prompt_cache_option.h"
#include "cli/sampling_options.h"
#include "cli/server_options.h"
#include "cli/sighup_watcher.h"
#include "commander/engine_service.h"
#include "commander/model_limits.h"
#include "commander/model_registry.h"
#include "commander/model_router.h"
#include "commander/model_swap.h"
#include "commander/upstream_service.h"
#include "console/console_routes.h"
#include "http/http_server.h"
#include "model/gguf_split.h"

namespace tandem::cli {
namespace {

struct CommanderOptions {
  ModelOptions model;
  http::HttpOptions http;
  commander::EngineServiceOptions engine;
  commander::UpstreamOptions upstream;
  int32_t ctx = 0;
  KvBudgetOption kv_budget;
  MmprojOption mmproj;
  // --models-dir: several models, loaded on demand (docs/MODELS.md).
  std::string models_dir;
  std::string models_max_bytes = "0";
  std::string keep_alive = "5m";
  bool console = true;  // --no-console
};

// One model's file, mapped (the first step of a load, and of a hot swap before its self-test).
std::unique_ptr<engine::Model> load_model_file(const CommanderOptions& o,
                                               const commander::ModelFile& f) {
  ModelOptions mo = o.model;
  mo.model_path = f.path.string();
  mo.log_load = true;
  return mo.load();
}

// One model's service, as the single-model path builds it; the --mmproj encoder goes to the
// -m model only (it is trained against that model's embeddings).
std::shared_ptr<commander::EngineService> build_engine(const CommanderOptions& o,
                                                       std::unique_ptr<engine::Model> m,
                                                       const commander::ModelFile& f,
                                                       http::Metrics& metrics, bool with_mmproj) {
  commander::EngineServiceOptions eo = o.engine;
  eo.scheduler.n_ctx = server_context(*m, o.ctx);
  eo.scheduler.kv_budget = o.kv_budget.resolve();
  eo.threads = o.model.resolved_threads();
  eo.model_alias = f.id;
  eo.model_file = f.path;
  if (with_mmproj)
    if (auto enc = o.mmproj.load(m->config().n_embd, eo.threads)) eo.media = std::move(enc);
  return std::make_shared<commander::EngineService>(std::move(m), std::move(eo), metrics);
}

struct MultiModel {
  std::shared_ptr<http::Service> router;
  std::function<void()> reload;  // SIGHUP: re-read the directory, re-swap -m
};

// --models-dir: a ModelRouter over every *.gguf there (and -m, loaded at start and kept).
MultiModel multi_model_service(const CommanderOptions& o, http::Metrics& metrics) {
  commander::ModelRegistryOptions ro;
  ro.max_bytes = commander::parse_byte_size(o.models_max_bytes);
  ro.keep_alive = commander::parse_keep_alive(o.keep_alive);
  auto files = commander::ModelRegistry::scan_dir(o.models_dir);
  std::string start_id;
  if (!o.model.model_path.empty()) {
    const std::filesystem::path p = o.model.model_path;
    start_id = o.engine.model_alias.empty() ? model::split::model_stem(p) : o.engine.model_alias;
    std::erase_if(files, [&](const commander::ModelFile& f) {
      std::error_code ec;
      if (f.id != start_id) return false;
      if (std::filesystem::equivalent(f.path, p, ec)) return true;  // the same file, listed once
      throw std::invalid_argument("the model id '" + start_id + "' is both " + p.string() +
                                  " (-m) and " + f.path.string() + " (--models-dir)");
    });
    files.push_back(commander::model_file(start_id, p));
  }
  if (files.empty())
    throw std::invalid_argument("--models-dir " + o.models_dir + " has no .gguf file");
  if (files.size() == 1 && start_id.empty()) start_id = files.front().id;
  std::string mmproj_id = o.model.model_path.empty() ? "" : start_id;
  auto registry = std::make_shared<commander::ModelRegistry>(
      files, ro, [&o, &metrics, mmproj_id](const commander::ModelFile& f) {
        return build_engine(o, load_model_file(o, f), f, metrics, f.id == mmproj_id);
      });
  commander::SwapHooks hooks;
  hooks.load_model = [&o](const commander::ModelFile& f) { return load_model_file(o, f); };
  hooks.make_service = [&o, &metrics, mmproj_id](std::unique_ptr<engine::Model> m,
                                                 const commander::ModelFile& f) {
    return build_engine(o, std::move(m), f, metrics, f.id == mmproj_id);
  };
  hooks.threads = o.model.resolved_threads();
  auto swapper = std::make_shared<commander::ModelSwapper>(registry, std::move(hooks));
  spdlog::info("commander: {} models in {}, budget {}, keep-alive {}", files.size(), o.models_dir,
               ro.max_bytes ? fmt::format("{} bytes", ro.max_bytes) : "unlimited",
               commander::describe_keep_alive(ro.keep_alive));
  if (!o.model.model_path.empty()) registry->acquire(start_id, commander::kKeepForever).reset();
  auto reload = [registry, swapper, dir = o.models_dir, start_path = o.model.model_path, start_id] {
    for (auto& f : commander::ModelRegistry::scan_dir(dir)) {
      const std::string id = f.id, path = f.path.string();
      if (registry->add(std::move(f))) spdlog::info("SIGHUP: new model '{}' ({})", id, path);
    }
    if (start_path.empty()) return;
    commander::SwapRequest r;  // -m: the same path, through the swap and its self-test
    r.path = start_path;
    const auto out = swapper->swap(start_id, r);
    if (out.status == 200) spdlog::info("SIGHUP: '{}' reloaded from {}", start_id, start_path);
  };
  return {std::make_shared<commander::ModelRouter>(registry, start_id, swapper), reload};
}

int run_commander(CommanderOptions& o) {
  if (!o.models_dir.empty()) block_sighup();  // before any thread: only the watcher takes it
  const sigset_t signals = block_shutdown_signals();
  http::Metrics metrics;
  http::ApiServer api(o.http, metrics);
  if (o.console)
    console::add_console_routes(api,
                                {.role = "commander", .key_required = !o.http.api_key.empty()});
  const int port = api.start();
  spdlog::info("commander: listening on http://{}:{}", o.http.host, port);

  if (!o.upstream.url.empty()) {
    api.set_service(std::make_shared<commander::UpstreamService>(o.upstream));
    spdlog::info("commander: forwarding to {}", o.upstream.url);
  } else if (!o.models_dir.empty()) {
    auto mm = multi_model_service(o, metrics);
    api.set_service(mm.router);
    SighupWatcher hup(mm.reload);
    serve_until_signal(api, signals, "commander");
    return 0;
  } else {
    if (o.model.model_path.empty())
      throw CLI::ValidationError("--model", "required without --upstream");
    o.model.log_load = true;
    auto m = o.model.load();  // mapped, not read: a log line with its time, no progress bar
    o.engine.scheduler.n_ctx = server_context(*m, o.ctx);
    o.engine.scheduler.kv_budget = o.kv_budget.resolve();
    o.engine.threads = o.model.resolved_threads();
    if (o.engine.model_alias.empty())
      o.engine.model_alias = model::split::model_stem(o.model.model_path);
    o.engine.model_file = o.model.model_path;
    if (auto enc = o.mmproj.load(m->config().n_embd, o.engine.threads)) {
      spdlog::info("commander: {}", describe(*enc, o.mmproj.path));
      o.engine.media = std::move(enc);
    }
    auto svc = std::make_shared<commander::EngineService>(std::move(m), o.engine, metrics);
    spdlog::info("commander: model '{}', {} slots x {} context, chat template {}",
                 o.engine.model_alias, o.engine.scheduler.n_slots, o.engine.scheduler.n_ctx,
                 svc->chat_template().describe());
    api.set_service(std::move(svc));
  }
  serve_until_signal(api, signals, "commander");
  return 0;
}

}  // namespace

CommandAction register_commander(CLI::App& app) {
  auto o = std::make_shared<CommanderOptions>();
  auto* cmd = app.add_subcommand(
      "commander", "OpenAI-compatible server (continuous batching) over a model or an upstream");
  cmd->add_option("-m,--model", o->model.model_path, "Model file: GGUF, or a llama2.c checkpoint")
      ->check(CLI::ExistingFile);
  cmd->add_option("-z,--tokenizer", o->model.tokenizer_path,
                  "Tokenizer file for a llama2.c checkpoint")
      ->check(CLI::ExistingFile);
  cmd->add_option("-t,--threads", o->model.threads, "Threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  add_http_options(cmd, o->http);
  add_console_option(cmd, o->console);
  cmd->add_option("--parallel", o->engine.scheduler.n_slots, "(-np) Slots decoded together")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--queue", o->engine.scheduler.max_queue, "Requests that may wait for a slot")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("-c,--ctx,--ctx-size", o->ctx,
                  "Context per slot (default: the model's, at most 4096)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("-b,--batch,--batch-size", o->engine.scheduler.max_batch,
                  "Tokens per forward pass")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 16));
  cmd->add_option("-a,--model-alias,--alias", o->engine.model_alias,
                  "Model id clients use (default: file stem)");
  cmd->add_option("--chat-template", o->engine.chat_template,
                  "Override the GGUF's chat template: a Jinja file, or a built-in rendering "
                  "(plain|chatml|qwen|qwen3|llama2|llama3|mistral|phi3|gemma|zephyr|glm4)");
  cmd->add_option("--upstream", o->upstream.url,
                  "Forward to this OpenAI-compatible server (http://host:port) instead of a model");
  cmd->add_option("--log-requests", o->http.log_requests,
                  "Test aid: append every POST body received to this file");
  cmd->add_option("--upstream-key", o->upstream.api_key, "API key sent to the upstream");
  add_pooling_option(cmd, o->engine.pooling);
  add_memory_guard_options(cmd, o->engine.memory);
  add_prompt_cache_options(cmd, o->engine.caches);
  o->kv_budget.add_to(cmd);
  o->mmproj.add_to(cmd);
  o->engine.sampling.temperature = 1.0f;  // OpenAI's default
  add_sampling_options(cmd, o->engine.sampling);
  add_gpu_layers_option(cmd);
  cmd->add_option("--models-dir", o->models_dir,
                  "Serve every *.gguf in this directory (id: the file stem), each loaded on "
                  "first request; -m names one loaded at start; SIGHUP re-reads it")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--models-max-bytes", o->models_max_bytes,
                  "With --models-dir: bytes of model files loaded at once (500M, 2G; 0: no "
                  "limit); idle models are unloaded least recently used first to make room")
      ->capture_default_str();
  cmd->add_option("--keep-alive", o->keep_alive,
                  "With --models-dir: how long an idle model stays loaded (5m, 30s, 1h; 0: "
                  "unload after each request; -1: forever); a request's keep_alive overrides")
      ->capture_default_str();
  cmd->get_option("--upstream")->excludes("--models-dir");
  cmd->get_option("--upstream")->excludes("--model");
  cmd->get_option("--upstream")->excludes("--mmproj");
  cmd->callback([o, cmd] {
    o->engine.fixed_seed = cmd->count("--seed") > 0;
    if (o->model.model_path.empty() && o->upstream.url.empty() && o->models_dir.empty())
      throw CLI::RequiredError("--model, --models-dir or --upstream");
    try {  // bad values fail at parse time with one line, not when the first model loads
      commander::parse_byte_size(o->models_max_bytes);
      commander::parse_keep_alive(o->keep_alive);
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError(e.what());
    }
  });
  return [o]() { return run_commander(*o); };
}

}  // namespace tandem::cli
