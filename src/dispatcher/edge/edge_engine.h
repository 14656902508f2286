// The Dispatcher's edge model: one sequence at a time over a private KvCache, so the prefill
// that yields the routing perplexity is the same prefill local generation continues from.
// An EdgeSession holds the engine exclusively from the prefill to the last generated token.
// Generation follows the Commander's scheduler step for step (stop tokens, grammar mask,
// log-probabilities of the raw logits, max_tokens and the context), so given the same model
// both nodes answer alike.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "api/openai_schema.h"
#include "api/prompt_guard.h"
#include "api/structured/grammar_processor.h"
#include "api/tools/tool_format.h"
#include "engine/logits_processor.h"
#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/transformer.h"
#include "router/prompt_perplexity.h"
#include "serving/sequence.h"
#include "serving/text_stream.h"
#include "template/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace tandem::dispatcher {

class EdgeEngine;

// Exclusive use of the edge engine (RAII: the lock is released when it is destroyed).
class EdgeSession {
 public:
  // Waits for the engine; with `may_refuse`, throws ApiError 503 queue_full (Retry-After: 1)
  // instead when the engine's queue of waiting sessions is full. A failover continuing an
  // answer the client already has is not refused.
  explicit EdgeSession(EdgeEngine& e, bool may_refuse = true);

  // ONE batched prefill of `tokens` with all logits: the routing perplexity (exactly
  // router::prompt_perplexity), leaving the prompt in the cache for generate().
  // prompt_top_logprobs >= 0 also keeps each prompt token's log-probability (entry i: token
  // i+1) with that many alternatives, from the same logits (completions' echo + logprobs).
  router::PromptPerplexity prefill_scored(const std::vector<tokenizer::TokenId>& tokens,
                                          int32_t prompt_top_logprobs = -1);
  // A prefill keeping only the last logits (failover: prompt + text received so far).
  void prefill(const std::vector<tokenizer::TokenId>& tokens);
  const std::vector<serving::TokenLogprob>& prompt_logprobs() const { return prompt_lp_; }

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
    std::unique_ptr<engine::LogitsProcessor> processor;  // structured output; null: free text
  };
  struct Step {
    serving::TextDelta delta;
    // The token generated in this step (none at the end); logprob/top filled when asked.
    std::vector<serving::TokenLogprob> tokens;
    bool done = false;
    serving::FinishReason finish = serving::FinishReason::kNone;
    std::string error;  // finish == kError: the grammar could not go on
  };
  // Starts generating after a prefill.
  void start(Options o);
  // Shorthand for free text (trim_leading: drop whitespace before the answer).
  void start(const engine::SamplerParams& sampling, int64_t max_tokens,
             std::vector<std::string> stop, bool trim_leading);
  // One token (or the end); call until done.
  Step next();
  int64_t n_prompt() const { return n_prompt_; }
  int64_t n_generated() const { return n_generated_; }

 private:
  EdgeEngine& e_;
  std::unique_lock<std::mutex> lock_;
  std::vector<float> last_logits_;
  std::vector<float> masked_;  // the processor's copy of last_logits_
  std::vector<serving::TokenLogprob> prompt_lp_;
  std::vector<tokenizer::TokenId> prompt_;  // the sampler's penalties see it, as the Scheduler's
  int32_t pos_ = 0;
  int64_t n_prompt_ = 0;
  int64_t n_generated_ = 0;
  Options o_;
  std::unique_ptr<engine::Sampler> sampler_;
  std::unique_ptr<serving::TextStream> text_;
  tokenizer::Utf8StreamDecoder utf8_;
  bool finished_ = false;
};

class EdgeEngine {
 public:
  // chat_template: empty = detect from the GGUF.
  EdgeEngine(std::unique_ptr<engine::Model> model, int threads, int32_t n_ctx,
             const std::string& chat_template);

  const tokenizer::Tokenizer& tokenizer() const { return model_->tokenizer(); }
  const templates::ChatTemplate& chat_template() const { return template_; }
  int32_t n_ctx() const { return n_ctx_; }
  // Sessions that may wait for the engine beyond the one using it (< 0: no limit).
  void set_max_waiting(int n) { max_waiting_ = n; }
  int waiting() const { return waiting_.load(); }
  engine::Transformer& transformer() { return tf_; }
  const engine::Model& model() const { return *model_; }
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
  engine::KvCache cache_;
  templates::ChatTemplate template_;
  std::vector<tokenizer::TokenId> end_of_turn_;
  api::GrammarVocab grammar_vocab_;  // built on the first constrained request
  api::PromptGuard prompt_guard_;
  std::mutex mu_;
  std::atomic<int> waiting_{0};
  int max_waiting_ = -1;
};

}  // namespace tandem::dispatcher
