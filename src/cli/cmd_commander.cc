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
#include "cli/served_models.h"
#include "cli/server_options.h"
#include "cli/sighup_watcher.h"
#include "commander/engine_service.h"
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
  // -m and --models-dir: the models served, loaded on demand (docs/MODELS.md).
  ServedModelsOptions models;
  bool console = true;  // --no-console
};

// One model's service, as the single-model path builds it; the --mmproj encoder goes to the
// -m model only (it is trained against that model's embeddings).
std::shared_ptr<commander::EngineService> build_engine(const CommanderOptions& o,
                                                       std::unique_ptr<engine::Model> m,
                                                       const registry::ModelFile& f,
                                                       http::Metrics& metrics, bool with_mmproj) {
  commander::EngineServiceOptions eo = o.engine;
  eo.scheduler.n_ctx = server_context(*m, o.ctx);
  eo.scheduler.kv_budget = o.kv_budget.resolve();
  eo.threads = o.model.resolved_threads();
  eo.model_alias = f.id;
  eo.model_file = f.path;
  if (with_mmproj)
    if (auto enc = o.mmproj.load(m->config().n_embd, eo.threads)) {
      spdlog::info("commander: {}", describe(*enc, o.mmproj.path));
      eo.media = std::move(enc);
    }
  auto svc = std::make_shared<commander::EngineService>(std::move(m), eo, metrics);
  spdlog::info("commander: model '{}', {} slots x {} context, chat template {}", eo.model_alias,
               eo.scheduler.n_slots, eo.scheduler.n_ctx, svc->chat_template().describe());
  return svc;
}

int run_commander(CommanderOptions& o) {
  const bool local = o.upstream.url.empty();
  if (local) block_sighup();  // before any thread: only the watcher takes it
  const sigset_t signals = block_shutdown_signals();
  http::Metrics metrics;
  http::ApiServer api(o.http, metrics);
  if (o.console)
    console::add_console_routes(api,
                                {.role = "commander", .key_required = !o.http.api_key.empty()});
  const int port = api.start();
  spdlog::info("commander: listening on http://{}:{}", o.http.host, port);
  if (!local) {
    api.set_service(std::make_shared<commander::UpstreamService>(o.upstream));
    spdlog::info("commander: forwarding to {}", o.upstream.url);
    serve_until_signal(api, signals, "commander");
    return 0;
  }
  auto served = serve_models(
      o.models, o.model, o.engine.model_alias,
      [&o, &metrics](std::unique_ptr<engine::Model> m, const registry::ModelFile& f, bool start) {
        return build_engine(o, std::move(m), f, metrics, start);
      },
      "commander");
  api.set_service(served.router);
  SighupWatcher hup(served.reload);
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
  add_served_models_options(cmd, o->models);
  cmd->get_option("--upstream")->excludes("--models-dir");
  cmd->get_option("--upstream")->excludes("--model");
  cmd->get_option("--upstream")->excludes("--mmproj");
  cmd->callback([o, cmd] {
    o->engine.fixed_seed = cmd->count("--seed") > 0;
    if (o->model.model_path.empty() && o->upstream.url.empty() && o->models.models_dir.empty())
      throw CLI::RequiredError("--model, --models-dir or --upstream");
    validate(o->models);
  });
  return [o]() { return run_commander(*o); };
}

}  // namespace tandem::cli
