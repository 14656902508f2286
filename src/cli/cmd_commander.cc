// tandem commander: the cloud node, an OpenAI-compatible server over the local engine
// (continuous batching) or over an upstream OpenAI-compatible engine.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <filesystem>

#include "cli/commands.h"
#include "cli/gpu_layers_option.h"
#include "cli/kv_budget_option.h"
#include "cli/memory_guard_option.h"
#include "cli/mmproj_option.h"
#include "cli/model_options.h"
#include "cli/prompt_cache_option.h"
#include "cli/sampling_options.h"
#include "cli/server_options.h"
#include "commander/engine_service.h"
#include "commander/upstream_service.h"
#include "http/http_server.h"

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
};

int run_commander(CommanderOptions& o) {
  const sigset_t signals = block_shutdown_signals();
  http::Metrics metrics;
  http::ApiServer api(o.http, metrics);
  const int port = api.start();
  spdlog::info("commander: listening on http://{}:{}", o.http.host, port);

  if (!o.upstream.url.empty()) {
    api.set_service(std::make_shared<commander::UpstreamService>(o.upstream));
    spdlog::info("commander: forwarding to {}", o.upstream.url);
  } else {
    if (o.model.model_path.empty())
      throw CLI::ValidationError("--model", "required without --upstream");
    o.model.log_load = true;
    auto m = o.model.load();  // mapped, not read: a log line with its time, no progress bar
    o.engine.scheduler.n_ctx = server_context(*m, o.ctx);
    o.engine.scheduler.kv_budget = o.kv_budget.resolve();
    o.engine.threads = o.model.resolved_threads();
    if (o.engine.model_alias.empty())
      o.engine.model_alias = std::filesystem::path(o.model.model_path).stem().string();
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
  cmd->get_option("--upstream")->excludes("--model");
  cmd->get_option("--upstream")->excludes("--mmproj");
  cmd->callback([o, cmd] {
    o->engine.fixed_seed = cmd->count("--seed") > 0;
    if (o->model.model_path.empty() && o->upstream.url.empty())
      throw CLI::RequiredError("--model or --upstream");
  });
  return [o]() { return run_commander(*o); };
}

}  // namespace tandem::cli
