// tandem dispatcher: the edge node. The same OpenAI server as the Commander, in the
// Dispatcher role: privacy scan, intent and prompt-perplexity routing, masked proxying to the
// Commander, offline fallback and mid-stream failover to the edge model.
#include <fmt/format.h>
#include <filesystem>

#include "cli/commands.h"
#include "cli/model_options.h"
#include "cli/sampling_options.h"
#include "cli/server_options.h"
#include "router/intent_classifier.h"
#include "router/policy.h"
#include "server/dispatcher_service.h"
#include "server/edge_engine.h"
#include "server/http_server.h"
#include "server/routing_pipeline.h"

namespace tandem::cli {
namespace {

struct DispatcherCliOptions {
  ModelOptions model;
  server::HttpOptions http;
  server::DispatcherOptions disp;
  std::string policy_path;
  std::string intent_path = "data/intent/intent_model.bin";
  std::string chat_template;
  int32_t ctx = 0;
};

int run_dispatcher(DispatcherCliOptions& o) {
  const sigset_t signals = block_shutdown_signals();

  router::RoutingPolicy policy;
  if (!o.policy_path.empty()) policy = router::RoutingPolicy::load(o.policy_path);
  std::optional<router::IntentClassifier> intent;
  if (!o.intent_path.empty() && o.intent_path != "none") {
    if (!std::filesystem::exists(o.intent_path))
      throw std::runtime_error("intent model " + o.intent_path +
                               " not found (train it with `tandem train-intent`, or pass "
                               "--intent-model none)");
    intent = router::IntentClassifier::load(o.intent_path);
  }
  {
    std::string origin, prefix;  // validates --commander before anything loads
    server::split_commander_url(o.disp.commander.url, origin, prefix);
  }
  server::Metrics metrics;
  server::ApiServer api(o.http, metrics);
  const int port = api.start();
  fmt::print(stderr, "dispatcher: listening on http://{}:{}\n", o.http.host, port);

  auto m = o.model.load();
  const int64_t train = m->config().n_ctx_train > 0 ? m->config().n_ctx_train : 2048;
  const int32_t n_ctx = o.ctx > 0 ? o.ctx : static_cast<int32_t>(std::min<int64_t>(train, 4096));
  if (o.disp.model_alias.empty())
    o.disp.model_alias = std::filesystem::path(o.model.model_path).stem().string();
  auto edge = std::make_unique<server::EdgeEngine>(std::move(m), o.model.resolved_threads(), n_ctx,
                                                   o.chat_template);
  fmt::print(stderr,
             "dispatcher: edge model '{}', {} context, chat template {}; commander {}; "
             "ppl threshold {}\n",
             o.disp.model_alias, n_ctx, edge->chat_template().name(), o.disp.commander.url,
             policy.ppl_threshold ? fmt::format("{}", *policy.ppl_threshold) : "none");
  auto routing = std::make_unique<server::RoutingPipeline>(std::move(policy), std::move(intent));
  api.set_service(std::make_shared<server::DispatcherService>(std::move(edge), std::move(routing),
                                                              o.disp, metrics));
  fmt::print(stderr, "dispatcher: ready\n");
  const int sig = wait_for_shutdown_signal(signals);
  fmt::print(stderr, "dispatcher: signal {}, shutting down\n", sig);
  api.stop();
  return 0;
}

}  // namespace

CommandAction register_dispatcher(CLI::App& app) {
  auto o = std::make_shared<DispatcherCliOptions>();
  auto* cmd =
      app.add_subcommand("dispatcher",
                         "Edge node: OpenAI-compatible server routing between the edge model and a "
                         "Commander, masking personal data");
  cmd->add_option("-m,--model", o->model.model_path, "Edge model: GGUF, or a llama2.c checkpoint")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-z,--tokenizer", o->model.tokenizer_path,
                  "Tokenizer file for a llama2.c checkpoint")
      ->check(CLI::ExistingFile);
  cmd->add_option("-t,--threads", o->model.threads, "Threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--commander", o->disp.commander.url, "The Commander: http://host:port")
      ->required();
  cmd->add_option("--commander-key", o->disp.commander.api_key, "API key sent to the Commander");
  cmd->add_option("--commander-model", o->disp.commander_model,
                  "Model id sent to the Commander (default: its own)");
  cmd->add_option("--commander-timeout-ms", o->disp.commander.timeout_ms,
                  "Connect + first-answer deadline; beyond it the edge answers (offline)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600000));
  cmd->add_option("--policy", o->policy_path, "Routing policy TOML (see docs/ROUTING.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--intent-model", o->intent_path, "Intent classifier ('none': no intent rule)")
      ->capture_default_str();
  o->http.port = 8080;  // the edge default; set first so --help shows it
  add_http_options(cmd, o->http);
  cmd->add_option("-c,--ctx", o->ctx, "Edge context (default: the model's, at most 4096)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--model-alias", o->disp.model_alias,
                  "Model id clients use (default: file stem)");
  cmd->add_option("--chat-template", o->chat_template, "Override the edge model's chat template")
      ->check(CLI::IsMember(engine::ChatTemplate::names()));
  o->disp.sampling.temperature = 1.0f;
  add_sampling_options(cmd, o->disp.sampling);
  cmd->callback([o, cmd] { o->disp.fixed_seed = cmd->count("--seed") > 0; });
  return [o]() { return run_dispatcher(*o); };
}

}  // namespace tandem::cli
