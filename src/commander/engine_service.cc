#include "commander/engine_service.h"

#include <random>

#include "api/answer_writer.h"
#include "api/chat_prompt.h"
#include "api/embeddings.h"
#include "api/media_prompt.h"
#include "api/openai_response.h"
#include "api/openai_schema.h"
#include "api/prompt_progress.h"
#include "api/responses/responses.h"
#include "api/tools/tool_grammar.h"
#include "cache/memory_guard_report.h"
#include "http/api_error.h"
#include "http/json_util.h"
#include "serving/generation.h"

namespace tandem::commander {
namespace {

using nlohmann::json;

std::vector<std::string> stop_strings(const api::GenerationParams& g) {
  return g.stop;
}

http::ApiError context_error(size_t n_prompt, int32_t n_ctx, const char* param) {
  return http::ApiError(400,
                        "this model's context is " + std::to_string(n_ctx) +
                            " tokens, but the prompt has " + std::to_string(n_prompt) +
                            " tokens (it must leave room for at least one "
                            "generated token)",
                        "invalid_request_error", param, "context_length_exceeded");
}

// Streams SSE events from a Generation through httplib's chunked provider. `on_step` turns
// one step into events; returning false from the provider closes the connection, and
// destroying the state cancels the sequence. `progress`: prompt_progress chunks first
// (return_progress), while the prompt is prefilled.
template <typename OnStep>
void stream_response(httplib::Response& res, std::shared_ptr<serving::Generation> gen,
                     OnStep on_step, std::shared_ptr<api::PrefillProgressEvents> progress) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream", [gen, on_step, progress](size_t, httplib::DataSink& sink) mutable {
        if (progress && progress->active()) {
          const std::string ev = progress->next(gen->stream());
          if (ev.empty()) return true;  // output is there: the next call reads it
          if (!sink.write(ev.data(), ev.size())) {
            gen->stream().cancel();
            return false;
          }
          return true;
        }
        auto step = gen->next();
        const std::string events = on_step(step);
        if (!events.empty() && !sink.write(events.data(), events.size())) {
          gen->stream().cancel();
          return false;
        }
        if (step.done) {
          if (!sink.write(api::kSseDone, std::strlen(api::kSseDone))) return false;
          sink.done();
        }
        return true;
      });
}

std::shared_ptr<api::PrefillProgressEvents> progress_events(const api::GenerationParams& g,
                                                            const api::ResponseMeta& meta,
                                                            bool chat) {
  if (!g.stream || !g.return_progress) return nullptr;
  return std::make_shared<api::PrefillProgressEvents>(meta, chat);
}

}  // namespace

engine::SamplerParams EngineService::sampling_for(const api::GenerationParams& g) const {
  engine::SamplerParams p = g.sampling;
  if (!g.seed_given && !opts_.fixed_seed) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    p.seed = rng();
  }
  return p;
}

EngineService::EngineService(std::unique_ptr<engine::Model> model, EngineServiceOptions opts,
                             http::Metrics& metrics)
    : model_(std::move(model)),
      opts_(std::move(opts)),
      metrics_(metrics),
      tf_(*model_, opts_.threads),
      template_(templates::chat_template_for(*model_, opts_.chat_template)),
      // The turn end marker stops generation even where the vocab does not flag it as EOG.
      end_of_turn_(templates::end_of_turn_tokens(template_, model_->tokenizer())),
      grammar_vocab_(model_->tokenizer(), end_of_turn_),
      prompt_guard_(model_->tokenizer()) {
  caches_ = std::make_unique<api::PromptCaches>(opts_.caches, opts_.model_file,
                                                tf_.make_cache(1, 1).layout());
  caches_->attach(opts_.scheduler);
  scheduler_ = std::make_unique<serving::Scheduler>(tf_, opts_.scheduler, metrics_);
  guard_ = std::make_unique<cache::MemoryGuard>(opts_.memory);
  caches_->add_evictors(*guard_);
  guard_->add_evictor("idle verify sessions", [this]() -> uint64_t {
    auto* v = verify_ready_.load();
    return v ? v->release_sessions() : 0;
  });
  // Last: a smaller budget costs answer quality, the rest only time.
  guard_->add_evictor("the KV budget", [this] { return scheduler_->lower_kv_budget(); });
  collector_ = metrics_.add_collector([g = guard_.get(), c = caches_.get()] {
    return cache::memory_guard_metrics(*g) + c->metrics_text();
  });
  guard_->start();
}

void EngineService::admit_under_memory_guard(httplib::Response& res) {
  if (!guard_->check()) return;
  res.set_header("Retry-After", "5");
  throw http::ApiError(503, "server short of memory: " + cache::memory_shortage(*guard_),
                       "server_error", "", "memory_pressure");
}

nlohmann::json EngineService::health() const {
  return {{"status", guard_->under_pressure() ? "degraded" : "ok"},
          {"memory", cache::memory_guard_json(*guard_)},
          {"cache", caches_->health_json()}};
}

void EngineService::list_cache(const httplib::Request& req, httplib::Response& res) {
  caches_->list(req, res);
}

void EngineService::delete_cache(const httplib::Request& req, httplib::Response& res) {
  caches_->erase(req, res);
}

EngineService::~EngineService() {
  metrics_.remove_collector(collector_);
}

void EngineService::tandem_verify(const httplib::Request& req, httplib::Response& res) {
  std::call_once(verify_once_, [this] {
    verify::VerifyOptions v;
    v.max_ctx = opts_.scheduler.n_ctx;
    v.threads = opts_.threads;
    verify_ = std::make_unique<verify::VerifyService>(*model_, v);
    verify_ready_ = verify_.get();
  });
  admit_under_memory_guard(res);
  verify_->handle(req, res);
}

void EngineService::embeddings(const httplib::Request& http_req, httplib::Response& res) {
  // Each forward runs on the scheduler thread between two generation steps (the Transformer's
  // workspaces are not thread-safe), against a KvCache of the request's own: generation keeps
  // going between an embedding request's forwards, and the slots' caches are never touched.
  serving::Scheduler& sched = *scheduler_;
  api::EmbeddingEngine e{tf_, opts_.model_alias, sched.n_ctx(), {}, {}, &prompt_guard_};
  e.opts.pooling = opts_.pooling.value_or(engine::model_pooling(*model_));
  e.opts.max_batch = sched.max_batch();
  e.run = [&sched](const std::function<void()>& work) { sched.run_exclusive(work); };
  res.set_content(http::dump(api::answer_embeddings(api::parse_body(http_req.body), e)),
                  "application/json");
}

void EngineService::check_model(const std::string& requested) const {
  if (!requested.empty() && requested != opts_.model_alias)
    throw http::ApiError(404,
                         "the model '" + requested + "' does not exist; this server serves '" +
                             opts_.model_alias + "'",
                         "invalid_request_error", "model", "model_not_found");
}

std::shared_ptr<serving::SeqStream> EngineService::submit(serving::SeqRequest req,
                                                          httplib::Response& res) {
  admit_under_memory_guard(res);
  try {
    return scheduler_->submit(std::move(req));
  } catch (const serving::QueueFull& e) {
    res.set_header("Retry-After", "1");
    throw http::ApiError(503, std::string("server busy: ") + e.what(), "server_error", "",
                         "queue_full");
  }
}

json EngineService::model_card() const {
  json m = {{"id", opts_.model_alias},
            {"object", "model"},
            {"created", 0},
            {"owned_by", "tandem"},
            {"context_length", scheduler_->n_ctx()}};
  // What content parts the model reads (llama-server lists its mmproj's the same way).
  json modalities = json::array({"text"});
  for (auto k : {media::Modality::kImage, media::Modality::kAudio})
    if (opts_.media && opts_.media->supports(k)) modalities.push_back(media::modality_name(k));
  m["modalities"] = std::move(modalities);
  return m;
}

void EngineService::models(const httplib::Request&, httplib::Response& res) {
  res.set_content(http::dump({{"object", "list"}, {"data", json::array({model_card()})}}),
                  "application/json");
}

void EngineService::chat_completions(const httplib::Request& http_req, httplib::Response& res) {
  const auto r = api::parse_chat_request(api::parse_body_ordered(http_req.body), opts_.sampling);
  check_model(r.model);
  const auto& tok = model_->tokenizer();
  templates::ChatRenderOptions ro;
  ro.enable_thinking = r.enable_thinking.value_or(true);
  const api::ToolFormat tool_format = api::tool_format_for(template_);
  auto messages = r.messages;
  api::prepare_tool_prompt(template_, r.tools, messages, ro);
  const std::string prompt_text = api::render_chat(template_, messages, ro);
  auto grammar = api::answer_grammar(r, tool_format);

  serving::SeqRequest sr;
  prompt_guard_.check(prompt_text.size(), scheduler_->n_ctx(), "messages");
  if (r.media.empty()) {
    sr.prompt = tok.encode(prompt_text, /*add_special=*/true, /*parse_special=*/true);
  } else {
    if (!opts_.media) api::refuse_media(r.media.front());
    auto mp = api::tokenize_with_media(tok, prompt_text, r.media, *opts_.media);
    sr.prompt = std::move(mp.tokens);
    sr.media = std::move(mp.media);
  }
  if (static_cast<int64_t>(sr.prompt.size()) >= scheduler_->n_ctx())
    throw context_error(sr.prompt.size(), scheduler_->n_ctx(), "messages");
  sr.sampling = sampling_for(r.gen);
  sr.max_tokens = r.gen.max_tokens;
  sr.ignore_eos = r.gen.ignore_eos;
  sr.cache = r.gen.cache;
  sr.top_logprobs = r.logprobs ? r.top_logprobs : -1;
  sr.stop_tokens = end_of_turn_;
  if (grammar) sr.processor = grammar_vocab_.processor(grammar);
  const int64_t n_prompt = static_cast<int64_t>(sr.prompt.size());

  serving::TextStream::Options to;
  to.stop = stop_strings(r.gen);
  to.split_reasoning = r.return_reasoning;
  to.start_in_reasoning = prompt_text.ends_with("<think>\n");
  to.trim_leading = true;
  auto gen = std::make_shared<serving::Generation>(submit(std::move(sr), res), tok, std::move(to));
  const api::ResponseMeta meta{api::new_id("chatcmpl"), opts_.model_alias, api::unix_now()};
  api::AnswerOptions ao;
  ao.meta = meta;
  ao.stream = r.gen.stream;
  ao.include_usage = r.gen.include_usage;
  ao.logprobs = r.logprobs ? r.top_logprobs : -1;
  ao.return_reasoning = r.return_reasoning;
  ao.tools = r.tools;
  ao.tool_format = tool_format;
  auto writer = std::make_shared<api::ChatAnswerWriter>(std::move(ao), tok);
  auto usage = [n_prompt, gen_raw = gen.get()] {
    return api::usage_json(n_prompt, gen_raw->completion_tokens(),
                           gen_raw->stream().cached_tokens());
  };
  if (!r.gen.stream) {
    serving::Generation::Step step;
    do {
      step = gen->next();
      writer->step(step.delta, step.tokens);
    } while (!step.done);
    if (step.finish == serving::FinishReason::kError)
      throw http::ApiError(500, "generation failed: " + step.error, "server_error");
    res.set_content(http::dump(writer->body(step.finish, usage())), "application/json");
    return;
  }
  bool first = true;
  stream_response(
      res, gen,
      [=](const serving::Generation::Step& step) mutable {
        std::string out;
        if (first) out += writer->open();
        first = false;
        out += writer->step(step.delta, step.tokens);
        if (step.done) out += writer->finish(step.finish, step.error, usage());
        return out;
      },
      progress_events(r.gen, meta, /*chat=*/true));
}

void EngineService::completions(const httplib::Request& http_req, httplib::Response& res) {
  const auto r =
      api::parse_completion_request(api::parse_body_ordered(http_req.body), opts_.sampling);
  check_model(r.model);
  const auto& tok = model_->tokenizer();
  serving::SeqRequest sr;
  std::string prompt_text;
  if (const auto* s = std::get_if<std::string>(&r.prompt)) {
    prompt_text = *s;
    prompt_guard_.check(prompt_text.size(), scheduler_->n_ctx(), "prompt");
    sr.prompt = tok.encode(prompt_text, /*add_special=*/true, /*parse_special=*/false);
    if (sr.prompt.empty() && tok.bos() >= 0) sr.prompt.push_back(tok.bos());
  } else {
    sr.prompt = std::get<std::vector<tokenizer::TokenId>>(r.prompt);
    for (tokenizer::TokenId id : sr.prompt)
      if (id >= tok.n_vocab())
        throw http::bad_field("prompt", "token id " + std::to_string(id) +
                                            " is outside the vocabulary of " +
                                            std::to_string(tok.n_vocab()));
    prompt_text = tok.decode(sr.prompt);
  }
  if (sr.prompt.empty()) throw http::bad_field("prompt", "the prompt has no tokens");
  if (static_cast<int64_t>(sr.prompt.size()) >= scheduler_->n_ctx())
    throw context_error(sr.prompt.size(), scheduler_->n_ctx(), "prompt");
  sr.sampling = sampling_for(r.gen);
  sr.max_tokens = r.gen.max_tokens;
  sr.ignore_eos = r.gen.ignore_eos;
  sr.cache = r.gen.cache;
  sr.top_logprobs = r.logprobs;
  sr.prompt_logprobs = r.echo && r.logprobs >= 0;
  if (r.gen.grammar) {
    sr.processor = grammar_vocab_.processor(r.gen.grammar);
    sr.stop_tokens = end_of_turn_;  // the grammar's end tokens include the turn markers
  }
  const std::vector<tokenizer::TokenId> prompt_ids = sr.prompt;
  const int64_t n_prompt = static_cast<int64_t>(sr.prompt.size());

  serving::TextStream::Options to;
  to.stop = r.gen.stop;
  auto gen = std::make_shared<serving::Generation>(submit(std::move(sr), res), tok, std::move(to));
  const api::ResponseMeta meta{api::new_id("cmpl"), opts_.model_alias, api::unix_now()};
  const int32_t n_lp = r.logprobs;
  const bool echo = r.echo;
  // Echoed prompt tokens: the first has no log-probability, the rest come from the prefill.
  auto prompt_lp = [&tok, prompt_ids, n_lp, gen_raw = gen.get()](size_t offset0) {
    return api::completion_logprobs_json({prompt_ids.front()}, gen_raw->stream().prompt_logprobs(),
                                         tok, n_lp, offset0);
  };

  if (!r.gen.stream) {
    std::string text = echo ? prompt_text : "";
    std::vector<serving::TokenLogprob> toks;
    serving::Generation::Step step;
    do {
      step = gen->next();
      text += step.delta.content;
      for (auto& t : step.tokens) toks.push_back(std::move(t));
    } while (!step.done);
    if (step.finish == serving::FinishReason::kError)
      throw http::ApiError(500, "generation failed: " + step.error, "server_error");
    json lp = nullptr;
    if (n_lp >= 0) {
      json gen_lp =
          api::completion_logprobs_json({}, toks, tok, n_lp, echo ? prompt_text.size() : 0);
      if (echo) {
        lp = prompt_lp(0);
        for (const char* k : {"tokens", "token_logprobs", "top_logprobs", "text_offset"})
          for (auto& v : gen_lp[k]) lp[k].push_back(v);
      } else {
        lp = gen_lp;
      }
    }
    json choice = {{"index", 0},
                   {"text", text},
                   {"logprobs", lp},
                   {"finish_reason", api::finish_reason_name(step.finish)}};
    json body = {{"id", meta.id},
                 {"object", "text_completion"},
                 {"created", meta.created},
                 {"model", meta.model},
                 {"choices", json::array({choice})},
                 {"usage", api::usage_json(n_prompt, gen->completion_tokens(),
                                           gen->stream().cached_tokens())}};
    res.set_content(http::dump(body), "application/json");
    return;
  }

  const bool include_usage = r.gen.include_usage;
  bool first = true;
  size_t offset = 0;
  stream_response(
      res, gen,
      [=, &tok, gen_raw = gen.get()](const serving::Generation::Step& step) mutable {
        std::string out;
        if (first && echo) {
          out += api::sse_event(api::completion_chunk(meta, prompt_text, nullptr,
                                                      n_lp >= 0 ? prompt_lp(0) : json(nullptr)));
          offset = prompt_text.size();
        }
        first = false;
        if (!step.delta.content.empty() || (n_lp >= 0 && !step.tokens.empty())) {
          json lp = n_lp >= 0 ? api::completion_logprobs_json({}, step.tokens, tok, n_lp, offset)
                              : json(nullptr);
          out += api::sse_event(api::completion_chunk(meta, step.delta.content, nullptr, lp));
          offset += step.delta.content.size();
        }
        if (step.done) {
          if (step.finish == serving::FinishReason::kError)
            out += api::error_event("generation failed: " + step.error);
          out +=
              api::sse_event(api::completion_chunk(meta, "", api::finish_reason_name(step.finish)));
          if (include_usage) {
            json u = api::completion_chunk(meta, "", nullptr);
            u["choices"] = json::array();
            u["usage"] = api::usage_json(n_prompt, gen_raw->completion_tokens(),
                                         gen_raw->stream().cached_tokens());
            out += api::sse_event(u);
          }
        }
        return out;
      },
      progress_events(r.gen, meta, /*chat=*/false));
}

// ---- POST /v1/responses --------------------------------------------------------------------
// The Responses API as an adapter over this role's own chat_completions
// (src/api/responses/responses.h).

void EngineService::responses(const httplib::Request& req, httplib::Response& res) {
  api::serve_responses(*this, req, res);
}

void EngineService::retrieve_response(const httplib::Request& req, httplib::Response& res) {
  api::retrieve_response(req, res);
}

void EngineService::delete_response(const httplib::Request& req, httplib::Response& res) {
  api::delete_response(req, res);
}

}  // namespace tandem::commander
