// The Dispatcher's edge model, served by the same continuous-batching scheduler as the
// Commander: concurrent requests share each forward. The prefill that yields the routing
// perplexity is held in its slot until the route is decided, so a local answer continues
// from it without a second prefill. Generation follows the Commander's scheduler step for
// step (it is the same code), so given the same model both nodes answer alike.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/openai_schema.h"
#include "api/prompt_caches.h"
#include "api/prompt_guard.h"
#include "api/structured/grammar_processor.h"
#include "api/tools/tool_format.h"
#include "engine/logits_processor.h"
#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/transformer.h"
#include "http/metrics.h"
#include "router/prompt_perplexity.h"
#include "serving/generation.h"
#include "serving/scheduler.h"
#include "serving/sequence.h"
#include "serving/text_stream.h"
#include "template/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace tandem::dispatcher {

class EdgeEngine;

// One request's sequence on the edge engine (RAII: destroying it cancels the sequence and
// frees its slot at once).
class EdgeSession {
 public:
  // `may_refuse`: past the queue (--queue-max) the first prefill/start throws ApiError 503
  // queue_full (Retry-After: 1). A failover continuing an answer the client already has is
  // not refused.
  explicit EdgeSession(EdgeEngine& e, bool may_refuse = true) : e_(e), may_refuse_(may_refuse) {}
  ~EdgeSession();
  EdgeSession(const EdgeSession&) = delete;
  EdgeSession& operator=(const EdgeSession&) = delete;

  // ONE batched prefill of `tokens` with all logits: the routing perplexity (exactly
  // router::prompt_perplexity), the prompt then held in its slot for start().
  // prompt_top_logprobs >= 0 also keeps each prompt token's log-probability (entry i: token
  // i+1) with that many alternatives, from the same logits (completions' echo + logprobs).
  // Waits for a slot (the queue); std::invalid_argument if the prompt does not fit.
  // `media`: the rows standing in the prompt for its media placeholders (none: text only).
  router::PromptPerplexity prefill_scored(const std::vector<tokenizer::TokenId>& tokens,
                                          int32_t prompt_top_logprobs = -1,
                                          std::vector<serving::PromptMedia> media = {});
  // The prompt of a plain generation (failover: prompt + text received so far): start()
  // prefills it with the generation, keeping only the last logits.
  void prefill(const std::vector<tokenizer::TokenId>& tokens,
               std::vector<serving::PromptMedia> media = {});
  const std::vector<serving::TokenLogprob>& prompt_logprobs() const { return prompt_lp_; }
  // The request's extra_body.cache, for the prefill that follows (the feature cache).
  void set_cache(cache::CacheDirective d) { cache_ = std::move(d); }

  struct Options {
    engine::SamplerParams sampling;
    int64_t max_tokens = -1;  // < 0: until the end or a full context
    std::vector<std::string> stop;
    bool trim_leading = false;        // drop whitespace before the answer (chat)
    bool split_reasoning = false;     // <think>…</think> goes to delta.reasoning
    bool start_in_reasoning = false;  // the prompt already opened <think>
    // The chat template's end-of-turn token ends the answer like EOS (chat; completions only
    // under a grammar, as on the Commander).
    bool end_of_turn_stops = true;
    int32_t top_logprobs = -1;  // >= 0: each token's log-probability + that many alternatives
    bool ignore_eos = false;    // generate max_tokens regardless (benchmarks), as the Commander
    std::unique_ptr<engine::LogitsProcessor> processor;  // structured output; null: free text
  };
  using Step = serving::Generation::Step;
  // Starts generating after a prefill.
  void start(Options o);
  // Shorthand for free text (trim_leading: drop whitespace before the answer).
  void start(const engine::SamplerParams& sampling, int64_t max_tokens,
             std::vector<std::string> stop, bool trim_leading);
  // The tokens generated since the last call (at least one, or the end); call until done.
  Step next();
  int64_t n_prompt() const { return static_cast<int64_t>(prompt_.size()); }
  int64_t n_generated() const { return gen_ ? gen_->completion_tokens() : 0; }
  // Prompt tokens reused from a slot's KV cache (0 until the prefill was admitted).
  int64_t n_cached() const { return stream_ ? stream_->cached_tokens() : 0; }
  // The sequence after start() or a held prefill (its prefill progress); null before.
  serving::SeqStream* seq_stream() const { return stream_.get(); }

 private:
  std::shared_ptr<serving::SeqStream> submit(serving::SeqRequest r);

  EdgeEngine& e_;
  bool may_refuse_;
  std::vector<tokenizer::TokenId> prompt_;
  std::vector<serving::PromptMedia> media_;
  cache::CacheDirective cache_;
  std::vector<serving::TokenLogprob> prompt_lp_;
  // Before start(): set only while held after prefill_scored; after: the generation's.
  std::shared_ptr<serving::SeqStream> stream_;
  std::unique_ptr<serving::Generation> gen_;
  bool done_ = false;
};

class EdgeEngine {
 public:
  // chat_template: empty = detect from the GGUF. n_slots sequences are decoded together,
  // each with an n_ctx context.
  // caches / model_file: the prompt caches beyond the slots (api/prompt_caches.h).
  EdgeEngine(std::unique_ptr<engine::Model> model, int threads, int32_t n_ctx,
             const std::string& chat_template, int32_t n_slots = 4,
             const api::PromptCacheOptions& caches = {},
             const std::filesystem::path& model_file = {}, const engine::KvBudget& kv_budget = {});
  ~EdgeEngine();

  const tokenizer::Tokenizer& tokenizer() const { return model_->tokenizer(); }
  const templates::ChatTemplate& chat_template() const { return template_; }
  int32_t n_ctx() const { return n_ctx_; }
  int32_t n_slots() const { return n_slots_; }
  // The KV bytes one position of a sequence holds (keys + values of every layer, in the
  // scheduler's F16 cache): what the memory projection of a request counts.
  uint64_t kv_bytes_per_position() const;
  // Requests that may wait for a slot beyond the busy ones (< 0: no limit).
  void set_max_waiting(int n) { sched_->set_max_queue(n < 0 ? SIZE_MAX : static_cast<size_t>(n)); }
  int waiting() const { return static_cast<int>(sched_->queued()); }
  // The memory guard's last resort: a smaller KV budget (serving/scheduler.h).
  uint64_t lower_kv_budget() { return sched_->lower_kv_budget(); }
  // The edge scheduler's tandem_kv_* metrics lines (the Dispatcher's /metrics shows them).
  std::string kv_metrics_text() const { return sched_metrics_.kv_text(); }
  // Runs `work` on the scheduler thread between two steps (other users of the Transformer,
  // such as embeddings with their own KvCache, take turns with generation).
  void run_exclusive(const std::function<void()>& work) { sched_->run_exclusive(work); }
  // Only inside run_exclusive (or before any request): the scheduler thread owns it.
  engine::Transformer& transformer() { return tf_; }
  const engine::Model& model() const { return *model_; }
  api::PromptCaches& caches() { return *caches_; }
  // The chat template's end-of-turn token, if it is one token (ends an answer like EOS).
  const std::vector<tokenizer::TokenId>& end_of_turn() const { return end_of_turn_; }
  // The chat prompt as the edge model sees it, and its tokens.
  std::string render(const std::vector<templates::ChatMessage>& messages) const;
  // A chat request's prompt: its tools fitted to the template (api::prepare_tool_prompt)
  // and its enable_thinking passed on, as the Commander renders it.
  std::string render_request(const api::ChatRequest& r) const;
  // How the edge template's family writes tool calls.
  api::ToolFormat tool_format() const { return api::tool_format_for(template_); }
  std::vector<tokenizer::TokenId> encode(const std::string& prompt_text) const;
  // Whether a prompt of `bytes` could fit the edge context at all; when not, it is not
  // tokenized (an 8 MB prompt cost seconds and hundreds of MB for nothing) and counts as
  // prompt_tokens_at_least(bytes) tokens for routing.
  const api::PromptGuard& prompt_guard() const { return prompt_guard_; }
  bool could_fit(size_t bytes) const { return prompt_guard_.could_fit(bytes, n_ctx_); }
  int64_t prompt_tokens_at_least(size_t bytes) const {
    return std::max<int64_t>(n_ctx_, prompt_guard_.min_tokens(bytes));
  }
  // A /v1/completions prompt's tokens, as the Commander makes them: BOS added, special-token
  // text left as text; an empty prompt is BOS alone.
  std::vector<tokenizer::TokenId> encode_plain(const std::string& prompt_text) const;
  // The structured-output constraint of `g` (the vocabulary's EOG + end-of-turn tokens end
  // it). `sent`: text the answer already holds (a failover continuation), which the grammar
  // reads first; std::invalid_argument if it does not fit.
  std::unique_ptr<engine::LogitsProcessor> grammar_processor(
      std::shared_ptr<const grammar::Grammar> g, std::string_view sent = {}) const;

 private:
  friend class EdgeSession;
  std::unique_ptr<engine::Model> model_;
  engine::Transformer tf_;
  int32_t n_ctx_;
  int32_t n_slots_;
  templates::ChatTemplate template_;
  std::vector<tokenizer::TokenId> end_of_turn_;
  api::GrammarVocab grammar_vocab_;  // built on the first constrained request
  api::PromptGuard prompt_guard_;
  // The scheduler's own counters: the Dispatcher's metrics count the requests it answers
  // (edge, cloud, failover) itself.
  http::Metrics sched_metrics_;
  std::unique_ptr<api::PromptCaches> caches_;  // the scheduler points into it
  std::unique_ptr<serving::Scheduler> sched_;  // last: its thread uses everything above
};

}  // namespace tandem::dispatcher
