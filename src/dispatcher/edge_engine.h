// The Dispatcher's edge model: one sequence at a time over a private KvCache, so the prefill
// that yields the routing perplexity is the same prefill local generation continues from.
// An EdgeSession holds the engine exclusively from the prefill to the last generated token.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

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
  explicit EdgeSession(EdgeEngine& e);

  // ONE batched prefill of `tokens` with all logits: the routing perplexity (exactly
  // router::prompt_perplexity), leaving the prompt in the cache for generate().
  router::PromptPerplexity prefill_scored(const std::vector<tokenizer::TokenId>& tokens);
  // A prefill keeping only the last logits (failover: prompt + text received so far).
  void prefill(const std::vector<tokenizer::TokenId>& tokens);

  struct Step {
    serving::TextDelta delta;
    bool done = false;
    serving::FinishReason finish = serving::FinishReason::kNone;
  };
  // Starts generating after a prefill. trim_leading: drop whitespace before the answer.
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
  int32_t pos_ = 0;
  int64_t n_prompt_ = 0;
  int64_t n_generated_ = 0;
  int64_t max_tokens_ = -1;
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
  engine::Transformer& transformer() { return tf_; }
  const engine::Model& model() const { return *model_; }
  // The chat template's end-of-turn token, if it is one token (ends an answer like EOS).
  const std::vector<tokenizer::TokenId>& end_of_turn() const { return end_of_turn_; }
  // The chat prompt as the edge model sees it, and its tokens.
  std::string render(const std::vector<templates::ChatMessage>& messages) const;
  std::vector<tokenizer::TokenId> encode(const std::string& prompt_text) const;

 private:
  friend class EdgeSession;
  std::unique_ptr<engine::Model> model_;
  engine::Transformer tf_;
  int32_t n_ctx_;
  engine::KvCache cache_;
  templates::ChatTemplate template_;
  std::vector<tokenizer::TokenId> end_of_turn_;
  std::mutex mu_;
};

}  // namespace tandem::dispatcher
