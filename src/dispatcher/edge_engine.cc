#include "dispatcher/edge_engine.h"

#include <stdexcept>

#include "api/chat_prompt.h"
#include "engine/batch.h"

namespace tandem::dispatcher {

EdgeEngine::EdgeEngine(std::unique_ptr<engine::Model> model, int threads, int32_t n_ctx,
                       const std::string& chat_template)
    : model_(std::move(model)),
      tf_(*model_, threads),
      n_ctx_(n_ctx),
      cache_(tf_.make_cache(n_ctx, 1)),
      template_(templates::chat_template_for(*model_, chat_template)),
      end_of_turn_(templates::end_of_turn_tokens(template_, model_->tokenizer())) {}

std::string EdgeEngine::render(const std::vector<templates::ChatMessage>& messages) const {
  return api::render_chat(template_, messages);
}

std::vector<tokenizer::TokenId> EdgeEngine::encode(const std::string& prompt_text) const {
  return model_->tokenizer().encode(prompt_text, /*add_special=*/true, /*parse_special=*/true);
}

EdgeSession::EdgeSession(EdgeEngine& e) : e_(e), lock_(e.mu_) {}

namespace {
void check_fits(size_t n, int32_t n_ctx) {
  if (n == 0) throw std::invalid_argument("the prompt has no tokens");
  if (static_cast<int64_t>(n) >= n_ctx)
    throw std::invalid_argument("the prompt has " + std::to_string(n) +
                                " tokens; the edge context is " + std::to_string(n_ctx));
}
}  // namespace

router::PromptPerplexity EdgeSession::prefill_scored(
    const std::vector<tokenizer::TokenId>& tokens) {
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
  last_logits_.assign(logits.end() - v, logits.end());
  pos_ = static_cast<int32_t>(tokens.size());
  n_prompt_ = pos_;
  return r;
}

void EdgeSession::prefill(const std::vector<tokenizer::TokenId>& tokens) {
  check_fits(tokens.size(), e_.n_ctx_);
  e_.cache_.clear(0);
  const auto logits =
      e_.tf_.forward(engine::Batch::sequence(tokens, 0, 0, /*all_logits=*/false), e_.cache_);
  last_logits_.assign(logits.begin(), logits.end());
  pos_ = static_cast<int32_t>(tokens.size());
  n_prompt_ = pos_;
}

void EdgeSession::start(const engine::SamplerParams& sampling, int64_t max_tokens,
                        std::vector<std::string> stop, bool trim_leading) {
  if (last_logits_.empty()) throw std::logic_error("EdgeSession::start before a prefill");
  sampler_ = std::make_unique<engine::Sampler>(sampling, e_.tf_.model().config().n_vocab);
  serving::TextStream::Options o;
  o.stop = std::move(stop);
  o.trim_leading = trim_leading;
  text_ = std::make_unique<serving::TextStream>(std::move(o));
  max_tokens_ = max_tokens;
  n_generated_ = 0;
  finished_ = false;
}

EdgeSession::Step EdgeSession::next() {
  Step s;
  if (finished_) {
    s.done = true;
    return s;
  }
  auto finish = [&](serving::FinishReason r) {
    s.delta.append(text_->push(utf8_.flush()));
    s.delta.append(text_->flush());
    s.done = true;
    s.finish = r;
    finished_ = true;
    return s;
  };
  if (max_tokens_ >= 0 && n_generated_ >= max_tokens_)
    return finish(serving::FinishReason::kLength);
  if (pos_ >= e_.n_ctx_) return finish(serving::FinishReason::kLength);
  const tokenizer::TokenId id = sampler_->sample(last_logits_);
  sampler_->accept(id);
  const auto& tok = e_.tokenizer();
  bool eot = tok.is_eog(id);
  for (tokenizer::TokenId t : e_.end_of_turn_) eot = eot || t == id;
  if (eot) return finish(serving::FinishReason::kStop);
  ++n_generated_;
  s.delta = text_->push(utf8_.push(tok.token_to_piece(id, false)));
  if (text_->stopped()) return finish(serving::FinishReason::kStop);
  const tokenizer::TokenId one[1] = {id};
  const auto logits =
      e_.tf_.forward(engine::Batch::sequence(one, pos_, 0, /*all_logits=*/false), e_.cache_);
  last_logits_.assign(logits.begin(), logits.end());
  ++pos_;
  return s;
}

}  // namespace tandem::dispatcher
