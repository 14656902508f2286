#include "dispatcher/edge/edge_engine.h"

#include <algorithm>
#include <stdexcept>

#include "api/chat_prompt.h"
#include "engine/batch.h"
#include "http/api_error.h"
#include "serving/token_logprob.h"

namespace tandem::dispatcher {

EdgeEngine::EdgeEngine(std::unique_ptr<engine::Model> model, int threads, int32_t n_ctx,
                       const std::string& chat_template)
    : model_(std::move(model)),
      tf_(*model_, threads),
      n_ctx_(n_ctx),
      cache_(tf_.make_cache(n_ctx, 1)),
      template_(templates::chat_template_for(*model_, chat_template)),
      end_of_turn_(templates::end_of_turn_tokens(template_, model_->tokenizer())),
      grammar_vocab_(model_->tokenizer(), end_of_turn_),
      prompt_guard_(model_->tokenizer()) {}

std::string EdgeEngine::render(const std::vector<templates::ChatMessage>& messages) const {
  return api::render_chat(template_, messages);
}

std::string EdgeEngine::render_request(const api::ChatRequest& r) const {
  templates::ChatRenderOptions ro;
  ro.enable_thinking = r.enable_thinking.value_or(true);
  auto messages = r.messages;
  api::prepare_tool_prompt(template_, r.tools, messages, ro);
  return api::render_chat(template_, messages, ro);
}

std::vector<tokenizer::TokenId> EdgeEngine::encode(const std::string& prompt_text) const {
  return model_->tokenizer().encode(prompt_text, /*add_special=*/true, /*parse_special=*/true);
}

std::vector<tokenizer::TokenId> EdgeEngine::encode_plain(const std::string& prompt_text) const {
  const auto& tok = model_->tokenizer();
  auto ids = tok.encode(prompt_text, /*add_special=*/true, /*parse_special=*/false);
  if (ids.empty() && tok.bos() >= 0) ids.push_back(tok.bos());
  return ids;
}

std::unique_ptr<engine::LogitsProcessor> EdgeEngine::grammar_processor(
    std::shared_ptr<const grammar::Grammar> g, std::string_view sent) const {
  return grammar_vocab_.processor(std::move(g), sent);
}

EdgeSession::EdgeSession(EdgeEngine& e, bool may_refuse) : e_(e), lock_(e.mu_, std::defer_lock) {
  if (lock_.try_lock()) return;
  // A bounded queue: past it a request is refused at once instead of holding an HTTP worker
  // (and its client) for as long as everything ahead of it takes.
  const int ahead = e.waiting_.fetch_add(1);
  if (may_refuse && e.max_waiting_ >= 0 && ahead >= e.max_waiting_) {
    --e.waiting_;
    http::ApiError busy(503,
                        "the edge model is busy: " + std::to_string(ahead) +
                            " requests are already waiting (--queue-max)",
                        "server_error", "", "queue_full");
    busy.retry_after_s = 1;
    throw busy;
  }
  lock_.lock();
  --e.waiting_;
}

namespace {
void check_fits(size_t n, int32_t n_ctx) {
  if (n == 0) throw std::invalid_argument("the prompt has no tokens");
  if (static_cast<int64_t>(n) >= n_ctx)
    throw std::invalid_argument("the prompt has " + std::to_string(n) +
                                " tokens; the edge context is " + std::to_string(n_ctx));
}
}  // namespace

router::PromptPerplexity EdgeSession::prefill_scored(const std::vector<tokenizer::TokenId>& tokens,
                                                     int32_t prompt_top_logprobs) {
  check_fits(tokens.size(), e_.n_ctx_);
  if (tokens.size() < 2) {  // nothing to score: a plain prefill, no PPL signal
    prefill(tokens);
    return {};
  }
  e_.cache_.clear(0);
  const auto logits =
      e_.tf_.forward(engine::Batch::sequence(tokens, 0, 0, /*all_logits=*/true), e_.cache_);
  const int64_t v = e_.tf_.model().config().n_vocab;
  auto r = router::prompt_perplexity_from_logits(logits, v, tokens);
  prompt_lp_.clear();
  if (prompt_top_logprobs >= 0)
    for (size_t i = 0; i + 1 < tokens.size(); ++i)
      prompt_lp_.push_back(
          serving::token_logprob(logits.subspan(i * static_cast<size_t>(v), static_cast<size_t>(v)),
                                 tokens[i + 1], prompt_top_logprobs));
  last_logits_.assign(logits.end() - v, logits.end());
  pos_ = static_cast<int32_t>(tokens.size());
  n_prompt_ = pos_;
  prompt_ = tokens;
  return r;
}

void EdgeSession::prefill(const std::vector<tokenizer::TokenId>& tokens) {
  check_fits(tokens.size(), e_.n_ctx_);
  e_.cache_.clear(0);
  const auto logits =
      e_.tf_.forward(engine::Batch::sequence(tokens, 0, 0, /*all_logits=*/false), e_.cache_);
  last_logits_.assign(logits.begin(), logits.end());
  prompt_lp_.clear();
  pos_ = static_cast<int32_t>(tokens.size());
  n_prompt_ = pos_;
  prompt_ = tokens;
}

void EdgeSession::start(Options o) {
  if (last_logits_.empty()) throw std::logic_error("EdgeSession::start before a prefill");
  o_ = std::move(o);
  sampler_ = std::make_unique<engine::Sampler>(o_.sampling, e_.tf_.model().config().n_vocab);
  for (tokenizer::TokenId t : prompt_) sampler_->accept(t);  // penalties see the prompt too
  serving::TextStream::Options t;
  t.stop = o_.stop;
  t.trim_leading = o_.trim_leading;
  t.split_reasoning = o_.split_reasoning;
  t.start_in_reasoning = o_.start_in_reasoning;
  text_ = std::make_unique<serving::TextStream>(std::move(t));
  utf8_ = {};
  n_generated_ = 0;
  finished_ = false;
}

void EdgeSession::start(const engine::SamplerParams& sampling, int64_t max_tokens,
                        std::vector<std::string> stop, bool trim_leading) {
  Options o;
  o.sampling = sampling;
  o.max_tokens = max_tokens;
  o.stop = std::move(stop);
  o.trim_leading = trim_leading;
  start(std::move(o));
}

EdgeSession::Step EdgeSession::next() {
  Step s;
  if (finished_) {
    s.done = true;
    return s;
  }
  auto finish = [&](serving::FinishReason r, std::string error = {}) {
    s.delta.append(text_->push(utf8_.flush()));
    s.delta.append(text_->flush());
    s.done = true;
    s.finish = r;
    s.error = std::move(error);
    finished_ = true;
    o_.processor.reset();  // its matcher can be large
    return s;
  };
  if (o_.max_tokens >= 0 && n_generated_ >= o_.max_tokens)
    return finish(serving::FinishReason::kLength);
  engine::LogitsProcessor* proc = o_.processor.get();
  tokenizer::TokenId id;
  try {
    if (proc) {
      // The raw row stays as is: log-probabilities report the model's own distribution.
      masked_ = last_logits_;
      int64_t budget = int64_t{e_.n_ctx_} - pos_;
      if (o_.max_tokens >= 0) budget = std::min(budget, o_.max_tokens - n_generated_);
      proc->set_budget(budget);
      proc->apply(masked_);
      id = sampler_->sample(masked_);
    } else {
      id = sampler_->sample(last_logits_);
    }
  } catch (const std::exception& e) {
    return finish(serving::FinishReason::kError, e.what());
  }
  const auto& tok = e_.tokenizer();
  const auto& eot = e_.end_of_turn_;
  // A processor allows an end token only where its constraint is complete.
  if (tok.is_eog(id) ||
      (o_.end_of_turn_stops && std::find(eot.begin(), eot.end(), id) != eot.end()))
    return finish(serving::FinishReason::kStop);
  if (proc) {
    try {
      proc->accept(id);
    } catch (const std::exception& e) {
      return finish(serving::FinishReason::kError, e.what());
    }
  }
  sampler_->accept(id);
  ++n_generated_;
  s.tokens.push_back(o_.top_logprobs >= 0
                         ? serving::token_logprob(last_logits_, id, o_.top_logprobs)
                         : serving::TokenLogprob{id, 0, {}});
  s.delta = text_->push(utf8_.push(tok.token_to_piece(id, false)));
  if (text_->stopped()) return finish(serving::FinishReason::kStop);
  if (proc && proc->done()) return finish(serving::FinishReason::kStop);  // nothing may follow
  if (o_.max_tokens >= 0 && n_generated_ >= o_.max_tokens)
    return finish(serving::FinishReason::kLength);
  if (pos_ >= e_.n_ctx_) return finish(serving::FinishReason::kLength);
  const tokenizer::TokenId one[1] = {id};
  const auto logits =
      e_.tf_.forward(engine::Batch::sequence(one, pos_, 0, /*all_logits=*/false), e_.cache_);
  last_logits_.assign(logits.begin(), logits.end());
  ++pos_;
  return s;
}

}  // namespace tandem::dispatcher
