// tandem dispatcher: the edge node. The same OpenAI server as the Commander, in the
// Dispatcher role: privacy scan, intent and prompt-perplexity routing, masked proxying to the
// Commander, offline fallback and mid-stream failover to the edge model.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "cli/commands.h"
#include "cli/compress_options.h"
#include "cli/gpu_layers_option.h"
#include "cli/kv_budget_option.h"
#include "cli/memory_guard_option.h"
#include "cli/mmproj_option.h"
#include "cli/model_options.h"
#include "cli/prompt_cache_option.h"
#include "cli/sampling_options.h"
#include "cli/server_options.h"
#include "console/console_routes.h"
#include "dispatcher/dispatcher_service.h"
#include "dispatcher/edge/edge_engine.h"
#include "dispatcher/routing_pipeline.h"
#include "http/http_server.h"
#include "model/gguf_split.h"
#include "router/data_files.h"
#include "router/intent_classifier.h"
#include "router/policy.h"

namespace tandem::cli {
namespace {

struct DispatcherCliOptions {
  ModelOptions model;
  http::HttpOptions http;
  dispatcher::DispatcherOptions disp;
  std::string policy_path;
  std::string intent_path = router::data_file("intent/intent_model.bin").string();
  std::string chat_template;
  int32_t ctx = 0;
  int32_t parallel = 4;  // sequences the edge decodes together
  int queue_max = 256;   // as many as --max-connections lets in: 200 streams queue without errors
  api::PromptCacheOptions caches;  // --cache-ram / --cache-dir / --cache-ttl
  KvBudgetOption kv_budget;
  // The Commander link, in seconds (docs/DISPATCHER.md, "Failing Commanders").
  double connect_s = 2, first_byte_s = 15, stall_s = 5, answer_s = 300, probe_s = 2;
  double backoff_s = 10, max_backoff_s = 60;
  int connect_ms = 0;  // the older --commander-timeout-ms (connect), if given
  std::string context_overflow = "offload";
  MmprojOption mmproj;
  std::string media_policy = "edge-only";
  bool console = true;  // --no-console
};

int to_ms(double seconds) {
  return static_cast<int>(seconds * 1000 + 0.5);
}

void apply_link_options(DispatcherCliOptions& o) {
  auto& c = o.disp.commander;
  c.connect_timeout_ms = o.connect_ms > 0 ? o.connect_ms : to_ms(o.connect_s);
  c.first_byte_timeout_ms = to_ms(o.first_byte_s);
  c.stall_timeout_ms = to_ms(o.stall_s);
  c.answer_timeout_ms = to_ms(o.answer_s);
  c.probe_interval_ms = to_ms(o.probe_s);
  c.circuit.backoff = std::chrono::milliseconds(to_ms(o.backoff_s));
  c.circuit.max_backoff = std::chrono::milliseconds(to_ms(std::max(o.max_backoff_s, o.backoff_s)));
}

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
  apply_link_options(o);
  {
    std::string origin, prefix;  // validates --commander before anything loads
    dispatcher::split_commander_url(o.disp.commander.url, origin, prefix);
  }
  http::Metrics metrics;
  http::ApiServer api(o.http, metrics);
  if (o.console)
    console::add_console_routes(
        api,
        {.role = "dispatcher", .trace = o.disp.trace, .key_required = !o.http.api_key.empty()});
  const int port = api.start();
  spdlog::info("dispatcher: listening on http://{}:{}", o.http.host, port);

  o.model.log_load = true;
  auto m = o.model.load();
  const int32_t n_ctx = server_context(*m, o.ctx);
  if (o.disp.model_alias.empty()) o.disp.model_alias = model::split::model_stem(o.model.model_path);
  o.disp.draft_threads = o.model.resolved_threads();
  if (auto enc = o.mmproj.load(m->config().n_embd, o.model.resolved_threads())) {
    spdlog::info("dispatcher: {}", describe(*enc, o.mmproj.path));
    o.disp.media = std::move(enc);
  }
  auto edge = std::make_unique<dispatcher::EdgeEngine>(std::move(m), o.model.resolved_threads(),
                                                       n_ctx, o.chat_template, o.parallel, o.caches,
                                                       o.model.model_path, o.kv_budget.resolve());
  edge->set_max_waiting(o.queue_max);
  spdlog::info(
      "dispatcher: edge model '{}', {} context x {} sequences, chat template {}; commander {}; "
      "ppl threshold {}; cloud answers {}",
      o.disp.model_alias, n_ctx, o.parallel, edge->chat_template().describe(), o.disp.commander.url,
      policy.ppl_threshold ? fmt::format("{}", *policy.ppl_threshold) : "none",
      o.disp.speculative ? fmt::format("speculative (draft up to {}{})", o.disp.spec.draft_max,
                                       o.disp.spec.adaptive ? ", adaptive" : "")
                         : "generated by the Commander");
  auto routing =
      std::make_unique<dispatcher::RoutingPipeline>(std::move(policy), std::move(intent));
  api.set_service(std::make_shared<dispatcher::DispatcherService>(
      std::move(edge), std::move(routing), o.disp, metrics));
  serve_until_signal(api, signals, "dispatcher");
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
  // Deadlines of the Commander link, in seconds (fractions allowed); past one, the edge
  // answers or continues the answer.
  const auto seconds = CLI::Range(0.01, 3600.0);
  cmd->add_option("--commander-connect-timeout", o->connect_s,
                  "Seconds to connect to the Commander; beyond it the edge answers (offline)")
      ->capture_default_str()
      ->check(seconds);
  cmd->add_option("--commander-timeout-ms", o->connect_ms,
                  "Older spelling of --commander-connect-timeout, in milliseconds")
      ->check(CLI::Range(1, 3600000));
  cmd->add_option("--commander-first-byte-timeout", o->first_byte_s,
                  "Seconds from the request to the Commander's first byte (streamed answers)")
      ->capture_default_str()
      ->check(seconds);
  cmd->add_option("--commander-stall-timeout", o->stall_s,
                  "Seconds a streamed answer may fall silent; beyond it the edge continues it")
      ->capture_default_str()
      ->check(seconds);
  cmd->add_option("--commander-answer-timeout", o->answer_s,
                  "Seconds a non-streamed answer may take (it arrives whole; the health probe "
                  "ends the wait sooner when the Commander stops answering)")
      ->capture_default_str()
      ->check(seconds);
  cmd->add_option("--commander-probe-interval", o->probe_s,
                  "Seconds between health probes of the Commander (GET /health, timeout "
                  "min(1 s, half of this))")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--circuit-failures", o->disp.commander.circuit.threshold,
                  "Consecutive Commander failures that open its circuit (cloud requests then "
                  "answered on the edge at once)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--circuit-backoff", o->backoff_s,
                  "Seconds an open circuit waits before one trial request; doubles after a "
                  "failed trial")
      ->capture_default_str()
      ->check(seconds);
  cmd->add_option("--circuit-max-backoff", o->max_backoff_s,
                  "Seconds the doubled back-off stops at")
      ->capture_default_str()
      ->check(seconds);
  cmd->add_option("--policy", o->policy_path, "Routing policy TOML (see docs/ROUTING.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--intent-model", o->intent_path, "Intent classifier ('none': no intent rule)")
      ->capture_default_str();
  o->http.port = 8080;  // the edge default; set first so --help shows it
  add_http_options(cmd, o->http);
  add_console_option(cmd, o->console);
  cmd->add_flag_callback(
      "--no-trace", [o] { o->disp.trace = false; },
      "Answers carry no x_tandem object (the route, its reasons, timings and the masked text "
      "sent to the Commander; docs/API.md)");
  cmd->add_option("--parallel", o->parallel,
                  "(-np) Sequences the edge model decodes together (continuous batching; each "
                  "has its own --ctx-size of KV cache)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--queue-max", o->queue_max,
                  "Requests that may wait beyond the --parallel busy ones; more get 503 "
                  "(Retry-After: 1)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("-c,--ctx,--ctx-size", o->ctx,
                  "Edge context (default: the model's, at most 4096)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--edge-max-tokens", o->disp.edge_max_tokens,
                  "Longest answer the edge gives (0: no limit). A request asking for more "
                  "max_tokens goes to the Commander (reason offload:max_tokens); one that cannot "
                  "leave, and every local answer, is clamped to it (finish_reason length)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  o->mmproj.add_to(cmd);
  cmd->add_option("--media", o->media_policy,
                  "Where image and audio content may be read: 'edge-only' (media is private: the "
                  "edge answers with its --mmproj encoder, else a 400 says why) or 'allow-cloud' "
                  "(routed like text; sent to the Commander as the content part when the route "
                  "is cloud or the edge has no encoder for it)")
      ->capture_default_str()
      ->check(CLI::IsMember({"edge-only", "allow-cloud"}));
  cmd->add_option("--context-overflow", o->context_overflow,
                  "A chat whose prompt, with room for its answer (max_tokens clamped to "
                  "--edge-max-tokens, else 1/8 of the context), does not fit the edge context: "
                  "'offload' sends it to the Commander when it may leave the device and the "
                  "Commander is reachable, else the edge drops its oldest turns (header "
                  "x-tandem-context-trimmed); 'trim' always trims on the edge; 'error' offloads "
                  "or answers 400 context_length_exceeded (no trimming)")
      ->capture_default_str()
      ->check(CLI::IsMember({"offload", "trim", "error"}));
  cmd->add_option("--compress-over", o->disp.compression.over_tokens,
                  "Compress chats going to the Commander whose prompt has more edge tokens than "
                  "this: each user message keeps --compress-keep of its tokens, dropping the words "
                  "the edge model finds least surprising (0: only requests that ask, with "
                  "\"compress\": true or {\"keep\": R}); header x-tandem-compressed: kept/total")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  cmd->add_option("--compress-keep", o->disp.compression.keep,
                  "Share of a compressed user message's tokens kept, in (0, 1]")
      ->capture_default_str()
      ->check(keep_share());
  cmd->add_flag("--compress-code", o->disp.compression.compress_code,
                "Let compression drop words inside fenced code blocks (default: kept whole)");
  cmd->add_option("-a,--model-alias,--alias", o->disp.model_alias,
                  "Model id clients use (default: file stem)");
  cmd->add_option(
      "--chat-template", o->chat_template,
      "Override the edge model's chat template: a Jinja file, or a built-in "
      "rendering (plain|chatml|qwen|qwen3|llama2|llama3|mistral|phi3|gemma|zephyr|glm4)");
  auto* spec = cmd->add_flag(
      "--speculative", o->disp.speculative,
      "Cloud answers by speculative decoding: the edge model drafts, the Commander verifies "
      "(POST /v1/tandem/verify; route 'cloud-speculative'). Needs the same tokenizer on both");
  cmd->add_option("--draft-max", o->disp.spec.draft_max,
                  "Most tokens drafted per verification (with --speculative)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64))
      ->needs(spec);
  cmd->add_option("--draft-min", o->disp.spec.draft_min,
                  "Tokens drafted before --draft-p-min applies")
      ->capture_default_str()
      ->check(CLI::Range(0, 64))
      ->needs(spec);
  cmd->add_option("--draft-p-min", o->disp.spec.draft_p_min,
                  "Stop drafting when the draft's top probability falls below this")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 1.0f))
      ->needs(spec);
  cmd->add_flag("!--no-draft-adaptive", o->disp.spec.adaptive, "Always draft --draft-max tokens")
      ->needs(spec);
  add_pooling_option(cmd, o->disp.pooling);
  add_memory_guard_options(cmd, o->disp.memory);
  add_prompt_cache_options(cmd, o->caches);
  o->kv_budget.add_to(cmd);
  o->disp.sampling.temperature = 1.0f;
  add_sampling_options(cmd, o->disp.sampling);
  add_gpu_layers_option(cmd);
  cmd->callback([o, cmd] {
    o->disp.fixed_seed = cmd->count("--seed") > 0;
    o->disp.context_overflow = *dispatcher::parse_context_overflow(o->context_overflow);
    o->disp.media_policy = *dispatcher::parse_media_policy(o->media_policy);
  });
  return [o]() { return run_dispatcher(*o); };
}

}  // namespace tandem::cli
