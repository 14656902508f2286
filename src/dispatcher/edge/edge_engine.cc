#include "dispatcher/edge/edge_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "api/chat_prompt.h"
#include "http/api_error.h"
#include "model/ggml_types.h"

namespace tandem::dispatcher {

EdgeEngine::EdgeEngine(std::unique_ptr<engine::Model> model, int threads, int32_t n_ctx,
                       const std::string& chat_template, int32_t n_slots,
                       const api::PromptCacheOptions& caches,
                       const std::filesystem::path& model_file, const engine::KvBudget& kv_budget)
    : model_(std::move(model)),
      tf_(*model_, threads),
      n_ctx_(n_ctx),
      n_slots_(n_slots),
      template_(templates::chat_template_for(*model_, chat_template)),
      end_of_turn_(templates::end_of_turn_tokens(template_, model_->tokenizer())),
      grammar_vocab_(model_->tokenizer(), end_of_turn_),
      prompt_guard_(model_->tokenizer()) {
  serving::SchedulerOptions so;
  so.n_slots = n_slots;
  so.n_ctx = n_ctx;
  so.max_queue = SIZE_MAX;  // set_max_waiting
  so.kv_budget = kv_budget;
  caches_ = std::make_unique<api::PromptCaches>(caches, model_file, tf_.make_cache(1, 1).layout());
  caches_->attach(so);
  sched_ = std::make_unique<serving::Scheduler>(tf_, so, sched_metrics_);
}

EdgeEngine::~EdgeEngine() = default;

uint64_t EdgeEngine::kv_bytes_per_position() const {
  const auto& c = model_->config();
  return 2 * static_cast<uint64_t>(c.n_layer) * model::row_bytes(model::GgmlType::F16, c.kv_dim());
}

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

namespace {
void check_fits(size_t n, int32_t n_ctx) {
  if (n == 0) throw std::invalid_argument("the prompt has no tokens");
  if (static_cast<int64_t>(n) >= n_ctx)
    throw std::invalid_argument("the prompt has " + std::to_string(n) +
                                " tokens; the edge context is " + std::to_string(n_ctx));
}
}  // namespace

EdgeSession::~EdgeSession() {
  if (stream_) e_.sched_->cancel(stream_);  // frees the slot now, held or generating
}

std::shared_ptr<serving::SeqStream> EdgeSession::submit(serving::SeqRequest r) {
  try {
    return e_.sched_->submit(std::move(r), may_refuse_);
  } catch (const serving::QueueFull& full) {
    // A bounded queue: past it a request is refused at once instead of holding an HTTP worker
    // (and its client) for as long as everything ahead of it takes.
    http::ApiError busy(503,
                        std::string("the edge model is busy: ") + full.what() + " (--queue-max)",
                        "server_error", "", "queue_full");
    busy.retry_after_s = 1;
    throw busy;
  }
}

router::PromptPerplexity EdgeSession::prefill_scored(const std::vector<tokenizer::TokenId>& tokens,
                                                     int32_t prompt_top_logprobs,
                                                     std::vector<serving::PromptMedia> media) {
  prefill(tokens, std::move(media));
  if (tokens.size() < 2) return {};  // nothing to score: a plain prefill, no PPL signal
  serving::SeqRequest r;
  r.prompt = tokens;
  r.media = media_;
  r.cache = cache_;
  r.score_prompt = true;
  r.hold_after_prefill = true;
  r.prompt_logprobs = prompt_top_logprobs >= 0;
  r.top_logprobs = prompt_top_logprobs;  // the prompt's alternatives; start() sets its own
  stream_ = submit(std::move(r));
  const auto score = stream_->wait_prefilled();
  if (!score) {
    const std::string why = stream_->next().error;
    stream_.reset();  // ended: start() would submit afresh
    throw std::runtime_error("edge model: " + why);
  }
  prompt_lp_ = stream_->prompt_logprobs();
  router::PromptPerplexity p;
  p.n_scored = score->n_scored;
  p.mean_nll = score->nll_sum / static_cast<double>(p.n_scored);
  p.ppl = std::exp(p.mean_nll);
  return p;
}

void EdgeSession::prefill(const std::vector<tokenizer::TokenId>& tokens,
                          std::vector<serving::PromptMedia> media) {
  check_fits(tokens.size(), e_.n_ctx_);
  serving::check_prompt_media(tokens, media, e_.model().config().n_embd);
  if (stream_) e_.sched_->cancel(stream_);  // a new prompt replaces the old one
  stream_.reset();
  gen_.reset();
  prompt_lp_.clear();
  prompt_ = tokens;
  media_ = std::move(media);
}

void EdgeSession::start(Options o) {
  if (prompt_.empty()) throw std::logic_error("EdgeSession::start before a prefill");
  if (gen_) throw std::logic_error("EdgeSession::start twice");
  serving::SeqRequest r;
  r.sampling = o.sampling;
  r.max_tokens = o.max_tokens;
  r.top_logprobs = o.top_logprobs;
  r.ignore_eos = o.ignore_eos;
  if (o.end_of_turn_stops) r.stop_tokens = e_.end_of_turn_;
  r.processor = std::move(o.processor);
  serving::TextStream::Options t;
  t.stop = std::move(o.stop);
  t.trim_leading = o.trim_leading;
  t.split_reasoning = o.split_reasoning;
  t.start_in_reasoning = o.start_in_reasoning;
  if (stream_) {  // held after prefill_scored
    e_.sched_->resume(stream_, std::move(r));
  } else {
    r.prompt = prompt_;
    r.media = media_;
    r.cache = cache_;
    stream_ = submit(std::move(r));
  }
  gen_ = std::make_unique<serving::Generation>(stream_, e_.tokenizer(), std::move(t));
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
  if (!gen_) throw std::logic_error("EdgeSession::next before start");
  if (done_) {
    Step s;
    s.done = true;
    return s;
  }
  auto s = gen_->next();  // at least one token, or the end
  done_ = s.done;
  return s;
}

}  // namespace tandem::dispatcher
