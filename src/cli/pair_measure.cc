#include "cli/pair_measure.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "dispatcher/edge/edge_engine.h"
#include "router/intent_classifier.h"
#include "router/node_quality.h"

namespace tandem::cli {

void PairMeasureOptions::add_to(CLI::App* cmd, bool cloud_required, bool scoring_flags) {
  auto* cloud = cmd->add_option("--cloud", cloud_path,
                                "The cloud model (GGUF; the same tokenizer as the edge)");
  cloud->check(CLI::ExistingFile);
  auto* pairs = cmd->add_option(
      "--pairs", pairs_path,
      "Prompt/continuation pairs, JSONL: domain, prompt, continuation, prompt_ids, cont_ids");
  pairs->check(CLI::ExistingFile);
  if (cloud_required) {
    cloud->required();
    pairs->required();
  }
  cmd->add_option("--split", split,
                  "Which pairs: all, even (index 0, 2, ...: calibration) or odd (held out)")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "even", "odd"}));
  cmd->add_option("--intent-model", intent_path,
                  "The Dispatcher's intent classifier ('none': no intent signal)")
      ->capture_default_str();
  cmd->add_option("--answer-tokens", answer_tokens,
                  "Greedy answer length for the answer-based score")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  if (!scoring_flags) return;
  cmd->add_flag("--raw", raw,
                "Score each prompt as the Dispatcher scores a /v1/completions prompt (BOS + "
                "text); default: as a chat turn in the edge template, as for /v1/chat/completions");
  cmd->add_option("--chat-template", chat_template,
                  "The Dispatcher's --chat-template, if it is started with one");
}

std::vector<double> learned_features(const router::PairRow& r) {
  return {std::log(r.ppl), r.prompt_entropy, r.prompt_margin,
          r.gen_entropy,   r.gen_margin,     std::log(static_cast<double>(r.prompt_tokens))};
}

const std::vector<std::string>& learned_feature_names() {
  static const std::vector<std::string> names = {"log_ppl",     "prompt_entropy", "prompt_margin",
                                                 "gen_entropy", "gen_margin",     "log_tokens"};
  return names;
}

namespace {

// The answer's quality under the judge; an empty answer (EOS at once) is scored as EOS.
double judged(router::NodeScorer& judge, std::span<const tokenizer::TokenId> prompt,
              const std::vector<tokenizer::TokenId>& answer) {
  if (!answer.empty()) return judge.continuation_loglik(prompt, answer);
  const tokenizer::TokenId eos = judge.model().tokenizer().eos();
  return judge.continuation_loglik(prompt, std::span(&eos, 1));
}

}  // namespace

MeasuredPairs measure_pairs(const ModelOptions& edge_opts, const PairMeasureOptions& o) {
  MeasuredPairs out;
  out.pairs = router::read_eval_pairs(o.pairs_path);
  if (!o.policy_path.empty()) out.policy = router::RoutingPolicy::load(o.policy_path);
  std::optional<router::IntentClassifier> intent;
  if (!o.intent_path.empty() && o.intent_path != "none") {
    if (!std::filesystem::exists(o.intent_path))
      throw std::runtime_error("intent model " + o.intent_path +
                               " not found (pass --intent-model none for no intent signal)");
    intent = router::IntentClassifier::load(o.intent_path);
  }
  // Two copies of the edge: the Dispatcher's engine for the routing perplexity, a plain
  // transformer for the rest (the engine's is owned by its scheduler thread).
  auto edge_model = edge_opts.load(!o.quiet);
  auto edge_plain = edge_opts.load(false);
  ModelOptions cloud_opts = edge_opts;
  cloud_opts.model_path = o.cloud_path;
  auto cloud_model = cloud_opts.load(!o.quiet);
  if (cloud_model->config().n_vocab != edge_plain->config().n_vocab)
    throw std::runtime_error(
        o.cloud_path + ": its vocabulary (" + std::to_string(cloud_model->config().n_vocab) +
        ") is not the edge's (" + std::to_string(edge_plain->config().n_vocab) + ")");
  const int threads = edge_opts.resolved_threads();
  const int32_t n_ctx = server_context(*edge_model, 0);  // the Dispatcher's default
  dispatcher::EdgeEngine engine(std::move(edge_model), threads, n_ctx, o.chat_template,
                                /*n_slots=*/1);
  out.scoring = o.raw ? "as a /v1/completions prompt (BOS + text)"
                      : "as a chat turn, template " + engine.chat_template().describe();
  const int32_t score_ctx = 512;  // prompt (<= 64) + BOS + continuation or answer, with room
  router::NodeScorer edge(*edge_plain, threads, score_ctx);
  router::NodeScorer cloud(*cloud_model, threads, score_ctx);
  const auto bos = edge_plain->tokenizer().bos();
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < out.pairs.size(); ++i) {
    const auto& p = out.pairs[i];
    router::PairRow r;
    r.domain = p.domain;
    // Routing signals, as the Dispatcher computes them.
    std::vector<tokenizer::TokenId> routed;
    if (o.raw) {
      routed = engine.encode_plain(p.prompt);
    } else {
      api::ChatRequest req;
      req.messages.emplace_back("user", p.prompt);
      routed = engine.encode(engine.render_request(req));
    }
    if (routed.size() < 2 || static_cast<int64_t>(routed.size()) >= n_ctx)
      throw std::runtime_error(o.pairs_path + ": pair " + std::to_string(i + 1) + " has " +
                               std::to_string(routed.size()) +
                               " routing tokens; the Dispatcher scores 2 to " +
                               std::to_string(n_ctx - 1));
    {
      dispatcher::EdgeSession s(engine);
      r.ppl = s.prefill_scored(routed).ppl;
    }
    r.prompt_tokens = static_cast<int64_t>(routed.size());
    if (intent) {
      const auto res = intent->classify(p.prompt);
      r.intent = res.label;
      for (const auto& sc : res.scores)
        if (sc.label == res.label) r.intent_p = sc.probability;
      r.intent_cloud =
          out.policy.routes_to_cloud(res.label) && r.intent_p >= out.policy.intent_min_confidence;
    }
    const auto ps = router::mean_stats(edge.prompt_stats(routed));
    r.prompt_entropy = ps.entropy;
    r.prompt_margin = ps.margin;
    // Quality: each node answers the prompt as a completion (BOS + prompt ids).
    std::vector<tokenizer::TokenId> prompt{bos};
    prompt.insert(prompt.end(), p.prompt_ids.begin(), p.prompt_ids.end());
    r.q_edge = edge.continuation_loglik(prompt, p.cont_ids);
    r.q_cloud = cloud.continuation_loglik(prompt, p.cont_ids);
    const auto edge_answer = edge.greedy(prompt, o.answer_tokens);
    const auto cloud_answer = cloud.greedy(prompt, o.answer_tokens);
    const auto gs = router::mean_stats(edge_answer.steps, o.gen_signal_tokens);
    r.gen_entropy = gs.entropy;
    r.gen_margin = gs.margin;
    r.a_edge = judged(cloud, prompt, edge_answer.tokens);
    r.a_cloud = judged(cloud, prompt, cloud_answer.tokens);
    out.rows.push_back(std::move(r));
  }
  if (!o.quiet)
    fmt::print(stderr, "measured {} pairs in {:.1f} s (routing perplexity {})\n", out.rows.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
               out.scoring);
  return out;
}

}  // namespace tandem::cli
