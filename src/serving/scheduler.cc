#include "serving/scheduler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <spdlog/spdlog.h>

#include "engine/perplexity.h"
#include "serving/token_logprob.h"

namespace tandem::serving {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

struct Scheduler::Slot {
  int32_t seq = 0;
  std::shared_ptr<SeqStream> stream;  // null: free
  SeqRequest req;
  std::unique_ptr<engine::Sampler> sampler;
  int32_t n_past = 0;  // positions in the cache
  int32_t n_prefilled = 0;
  TokenId last = -1;  // sampled, not yet evaluated
  int64_t n_generated = 0;
  Clock::time_point last_token_time;
  std::vector<TokenLogprob> prompt_lp;
  PromptScore score;
  // Held after its prefill (SeqRequest::hold_after_prefill): out of every batch, its last
  // logits row kept for the first draw once resumed.
  bool held = false;
  std::vector<float> held_logits;
  std::vector<float> masked;  // the processor's copy of this slot's logits row
  CachedPrefix cached;        // what cache_ holds for this seq (kept after the sequence ends)
  bool store_named = false;   // store the prompt under req.cache.id once prefilled
  Clock::time_point last_used{};
  // Rows of this slot in the current forward's logits.
  size_t first_row = 0, n_rows = 0;
  bool prefilling() const { return n_prefilled < static_cast<int32_t>(req.prompt.size()); }
};

Scheduler::Scheduler(engine::Transformer& tf, SchedulerOptions opts, http::Metrics& metrics)
    : tf_(tf),
      opts_(opts),
      metrics_(metrics),
      cache_(tf.make_cache(opts.n_ctx, opts.n_slots, model::GgmlType::F16,
                           [&] {
                             auto b = opts.kv_budget;
                             b.headroom = static_cast<int32_t>(std::max<size_t>(
                                 opts.max_batch, static_cast<size_t>(opts.n_slots) + 1));
                             return b;
                           }())),
      stored_(opts.prompt_store, opts.feature_cache) {
  if (opts_.n_slots <= 0) throw std::invalid_argument("--parallel must be at least 1");
  opts_.max_batch = std::max<size_t>(opts_.max_batch, static_cast<size_t>(opts_.n_slots) + 1);
  for (int32_t i = 0; i < opts_.n_slots; ++i) {
    slots_.push_back(std::make_unique<Slot>());
    slots_.back()->seq = i;
  }
  thread_ = std::jthread([this] { loop(); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  for (auto& s : slots_)
    if (s->stream) s->stream->finish(FinishReason::kError, "server shutting down");
  for (auto& [req, st] : queue_) st->finish(FinishReason::kError, "server shutting down");
}

std::shared_ptr<SeqStream> Scheduler::submit(SeqRequest req, bool may_refuse) {
  if (req.prompt.empty()) throw std::invalid_argument("the prompt has no tokens");
  if (static_cast<int64_t>(req.prompt.size()) >= opts_.n_ctx)
    throw std::invalid_argument("prompt of " + std::to_string(req.prompt.size()) +
                                " tokens does not fit the context of " +
                                std::to_string(opts_.n_ctx));
  check_prompt_media(req.prompt, req.media, tf_.model().config().n_embd);
  // A named entry on disk is read here, on the caller's thread, not by admission's lookup.
  if (opts_.feature_cache) opts_.feature_cache->warm(req.cache);
  auto stream = std::make_shared<SeqStream>();
  {
    std::lock_guard lock(mu_);
    size_t busy = 0;
    for (auto& s : slots_) busy += s->stream != nullptr;
    if (may_refuse &&
        busy + queue_.size() >= slots_.size() + std::min(opts_.max_queue, SIZE_MAX - slots_.size()))
      throw QueueFull("all " + std::to_string(slots_.size()) + " slots are busy and " +
                      std::to_string(queue_.size()) + " requests are queued");
    queue_.emplace_back(std::move(req), stream);
    metrics_.set_queue_length(static_cast<int64_t>(queue_.size()));
  }
  cv_.notify_all();
  return stream;
}

void Scheduler::resume(const std::shared_ptr<SeqStream>& stream, SeqRequest how) {
  {
    std::lock_guard lock(mu_);
    resumes_.emplace_back(stream, std::move(how));
  }
  cv_.notify_all();
}

void Scheduler::cancel(const std::shared_ptr<SeqStream>& stream) {
  stream->cancel();
  { std::lock_guard lock(mu_); }  // the loop tests its wake condition under mu_: no lost wake-up
  cv_.notify_all();
}

size_t Scheduler::queued() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Scheduler::set_max_queue(size_t n) {
  std::lock_guard lock(mu_);
  opts_.max_queue = n;
}

void Scheduler::run_exclusive(const std::function<void()>& work) {
  std::packaged_task<void()> task([&work] { work(); });
  auto done = task.get_future();
  {
    std::lock_guard lock(mu_);
    if (stop_) throw std::runtime_error("server shutting down");
    jobs_.push_back(std::move(task));
  }
  cv_.notify_all();
  done.get();  // rethrows what work threw; a job dropped at shutdown is a broken promise
}

void Scheduler::loop() {
  std::deque<std::packaged_task<void()>> jobs;
  std::deque<std::pair<std::shared_ptr<SeqStream>, SeqRequest>> resumes;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] {
        if (stop_ || !queue_.empty() || !jobs_.empty() || !resumes_.empty()) return true;
        // A held slot is idle until it is resumed or cancelled.
        return std::any_of(slots_.begin(), slots_.end(), [](auto& s) {
          return s->stream && (!s->held || s->stream->cancelled());
        });
      });
      if (stop_) return;
      admit();
      jobs.swap(jobs_);
      resumes.swap(resumes_);
    }
    // Exclusive jobs (embedding forwards) run between two steps, on this thread.
    for (auto& job : jobs) job();
    jobs.clear();
    try {
      apply_resumes(resumes);
      step();
    } catch (const std::exception& e) {
      // Nothing may escape this thread; the sequences in flight end with the error.
      for (auto& sl : slots_)
        if (sl->stream) finish_slot(*sl, FinishReason::kError, e.what());
    }
    publish_gauges();
  }
}

Scheduler::Slot* Scheduler::pick_slot(const SeqRequest& req, int32_t* reuse) {
  Slot* best = nullptr;
  *reuse = 0;
  for (auto& s : slots_) {
    if (s->stream) continue;
    // A bounded cache may have evicted part of what the slot saw: only its exact prefix counts.
    const int32_t r =
        opts_.prefix_reuse
            ? std::min(s->cached.reusable(req.prompt, req.score_prompt, req.prompt_logprobs),
                       cache_.exact_len(s->seq))
            : 0;
    // The longest reusable prefix; without one, the least recently used slot, so the
    // caches most likely to be asked for again survive longest.
    if (!best || r > *reuse || (r == *reuse && s->last_used < best->last_used)) {
      best = s.get();
      *reuse = r;
    }
  }
  return best;
}

void Scheduler::admit() {
  while (!queue_.empty()) {
    int32_t reuse = 0;
    Slot* slot = pick_slot(queue_.front().first, &reuse);
    if (!slot) break;
    auto [req, stream] = std::move(queue_.front());
    queue_.pop_front();
    if (stream->cancelled()) {
      stream->finish(FinishReason::kCancelled);
      continue;
    }
    if (req.max_tokens == 0 && !req.prompt_logprobs && !req.hold_after_prefill) {  // nothing to do
      stream->finish(FinishReason::kLength);
      continue;
    }
    std::unique_ptr<engine::Sampler> sampler;
    try {
      sampler = std::make_unique<engine::Sampler>(req.sampling, tf_.model().tokenizer().n_vocab());
      for (TokenId t : req.prompt)
        if (t >= 0) sampler->accept(t);  // media rows are no tokens to penalise
    } catch (const std::exception& e) {
      stream->finish(FinishReason::kError, e.what());
      continue;
    }
    Slot& s = *slot;
    // Beyond the slots: a saved state may cover more of the prompt than any slot does.
    StoredCandidate stored;
    try {
      if (opts_.prefix_reuse) stored = stored_.best(req, cache_);
    } catch (const std::exception& e) {
      spdlog::warn("prompt cache lookup failed: {}", e.what());
    }
    // What the slot holds beyond the reused part is about to be overwritten: keep it.
    if (std::min(s.cached.size(), cache_.exact_len(s.seq)) > reuse || stored.reuse > reuse)
      stored_.save(s.cached, cache_, s.seq);
    if (stored.reuse > reuse) {
      stored_.load(stored, cache_, s.seq, s.cached);
      reuse = stored.reuse;
    }
    s.store_named = stored.store_named;
    cache_.truncate(s.seq, reuse);
    s.cached.reuse_for(req.prompt, reuse);
    s.stream = std::move(stream);
    s.req = std::move(req);
    s.sampler = std::move(sampler);
    s.n_past = s.n_prefilled = reuse;
    s.n_generated = 0;
    s.last = -1;
    s.prompt_lp.clear();
    s.score = {};
    if (s.req.score_prompt) s.score = {s.cached.nll_sum(reuse), reuse};
    s.held = false;
    s.stream->set_cached_tokens(reuse);
    s.stream->set_prefill_progress(static_cast<int64_t>(s.req.prompt.size()), reuse);
    metrics_.add_cached_prompt_tokens(reuse);
    metrics_.add_prompt_tokens(static_cast<int64_t>(s.req.prompt.size()));
  }
  metrics_.set_queue_length(static_cast<int64_t>(queue_.size()));
}

void Scheduler::apply_resumes(
    std::deque<std::pair<std::shared_ptr<SeqStream>, SeqRequest>>& resumes) {
  for (auto& entry : resumes) {
    // Named, not a structured binding: clang's C++20 does not let a lambda capture one.
    const std::shared_ptr<SeqStream>& stream = entry.first;
    SeqRequest& how = entry.second;
    auto it = std::find_if(slots_.begin(), slots_.end(),
                           [&](auto& s) { return s->stream == stream && s->held; });
    if (it == slots_.end()) {
      stream->finish(FinishReason::kError, "the sequence is no longer held for resuming");
      continue;
    }
    Slot& s = **it;
    if (stream->cancelled()) continue;  // step() frees it
    SeqRequest& r = s.req;
    r.sampling = how.sampling;
    r.max_tokens = how.max_tokens;
    r.top_logprobs = how.top_logprobs;
    r.stop_tokens = std::move(how.stop_tokens);
    r.ignore_eos = how.ignore_eos;
    r.processor = std::move(how.processor);
    r.hold_after_prefill = false;
    try {
      s.sampler = std::make_unique<engine::Sampler>(r.sampling, tf_.model().tokenizer().n_vocab());
      for (TokenId t : r.prompt)
        if (t >= 0) s.sampler->accept(t);
    } catch (const std::exception& e) {
      finish_slot(s, FinishReason::kError, e.what());
      continue;
    }
    s.held = false;
    const std::vector<float> logits = std::move(s.held_logits);
    s.held_logits = {};
    if (r.max_tokens == 0)
      finish_slot(s, FinishReason::kLength);
    else
      sample(s, logits);
  }
  resumes.clear();
}

uint64_t Scheduler::lower_kv_budget() {
  uint64_t freed = 0;
  run_exclusive([&] {
    const int32_t now = cache_.budget_tokens();
    const int32_t floor = std::max(8, cache_.budget().tokens / 4);
    if (!cache_.budget().enabled() || now <= floor) return;
    freed = cache_.set_budget_tokens(std::max(floor, now / 2));
    spdlog::warn("memory pressure: KV budget lowered from {} to {} entries per slot", now,
                 cache_.budget_tokens());
  });
  return freed;
}

void Scheduler::publish_gauges() {
  int64_t n = 0;
  for (auto& s : slots_) n += s->stream != nullptr;
  metrics_.set_active_slots(n);
  std::vector<int64_t> kv(slots_.size());
  for (auto& s : slots_)
    kv[static_cast<size_t>(s->seq)] = static_cast<int64_t>(cache_.n_cells(s->seq)) *
                                      static_cast<int64_t>(cache_.position_bytes());
  metrics_.set_kv(std::move(kv), cache_.evicted(), cache_.budget_tokens());
}

void Scheduler::finish_slot(Slot& s, FinishReason r, const std::string& error) {
  std::shared_ptr<SeqStream> stream;
  {
    // Free the slot before the client hears of the end, so its next request finds it free.
    std::lock_guard lock(mu_);  // submit() counts busy slots under mu_
    stream = std::move(s.stream);
  }
  s.req.processor.reset();  // its matcher and transition cache can be large
  s.held = false;
  s.last_used = Clock::now();
  if (r == FinishReason::kError) {  // a failed forward may have left partial KV behind
    s.cached.clear();
    cache_.clear(s.seq);
  }
  s.held_logits = {};
  if (!s.prompt_lp.empty()) stream->set_prompt_logprobs(std::move(s.prompt_lp));
  stream->finish(r, error);
}

void Scheduler::step() {
  // Slot pointers change only on this thread; mu_ guards them against submit()'s reads.
  for (auto& s : slots_)
    if (s->stream && s->stream->cancelled()) finish_slot(*s, FinishReason::kCancelled);

  engine::Batch batch;
  size_t rows = 0;
  auto add = [&](TokenId t, int32_t pos, int32_t seq, bool logits) {
    batch.add(t, pos, seq, logits);
    rows += logits;
  };
  auto add_prompt = [&](const SeqRequest& r, int32_t pos, int32_t seq, bool logits) {
    const TokenId t = r.prompt[static_cast<size_t>(pos)];
    if (t >= 0) return add(t, pos, seq, logits);
    batch.add_embedding(media_row(r.media, static_cast<size_t>(pos)), t, pos, seq, logits);
    rows += logits;
  };
  // Decode tokens first: they are one each and keep running streams moving.
  for (auto& s : slots_) {
    s->n_rows = 0;
    if (!s->stream || s->prefilling() || s->held) continue;
    s->first_row = rows;
    add(s->last, s->n_past, s->seq, true);
    s->n_rows = 1;
  }
  for (auto& s : slots_) {
    if (!s->stream || !s->prefilling()) continue;
    const size_t room = opts_.max_batch - std::min(opts_.max_batch, batch.size());
    if (room == 0) break;
    const auto& p = s->req.prompt;
    const size_t n = std::min(room, p.size() - static_cast<size_t>(s->n_prefilled));
    s->first_row = rows;
    for (size_t i = 0; i < n; ++i) {
      const int32_t pos = s->n_prefilled + static_cast<int32_t>(i);
      const bool last = static_cast<size_t>(pos) + 1 == p.size();
      add_prompt(s->req, pos, s->seq, last || s->req.prompt_logprobs || s->req.score_prompt);
    }
    s->n_rows = rows - s->first_row;
  }
  if (batch.size() == 0) return;

  std::span<const float> logits;
  try {
    logits = tf_.forward(batch, cache_);
    metrics_.count_forward(static_cast<int64_t>(batch.size()));
  } catch (const std::exception& e) {
    // The cache may hold a partial step: every active sequence ends with the error.
    for (auto& s : slots_)
      if (s->stream) finish_slot(*s, FinishReason::kError, e.what());
    return;
  }
  const size_t n_vocab = static_cast<size_t>(tf_.model().tokenizer().n_vocab());
  auto row = [&](size_t r) { return logits.subspan(r * n_vocab, n_vocab); };

  for (auto& s : slots_) {
    if (!s->stream || s->held) continue;
    if (!s->prefilling()) {
      s->cached.append(s->last);
      ++s->n_past;
      sample(*s, row(s->first_row));
      continue;
    }
    // A prompt chunk: advance, collect prompt log-probabilities, sample after the last one.
    const auto& p = s->req.prompt;
    size_t n_added = 0;
    for (size_t i = 0; i < batch.size(); ++i) n_added += batch.seq_ids[i] == s->seq;
    if (n_added == 0) continue;
    if (s->req.prompt_logprobs || s->req.score_prompt) {
      for (size_t j = 0; j < s->n_rows; ++j) {
        const size_t next = static_cast<size_t>(s->n_prefilled) + j + 1;
        if (next >= p.size()) continue;
        if (p[next] < 0) {  // a media row is no token to predict
          if (s->req.prompt_logprobs) s->prompt_lp.push_back({p[next], 0.0f, {}});
          continue;
        }
        if (s->req.prompt_logprobs)
          s->prompt_lp.push_back(
              token_logprob(row(s->first_row + j), p[next], std::max(0, s->req.top_logprobs)));
        if (s->req.score_prompt) {
          const double nll = engine::token_nll(row(s->first_row + j), p[next]);
          s->score.nll_sum += nll;
          ++s->score.n_scored;
          s->cached.set_nll(static_cast<int32_t>(next), nll);
        }
      }
    }
    for (size_t i = 0; i < n_added; ++i)
      s->cached.append(p[static_cast<size_t>(s->n_prefilled) + i]);
    s->n_prefilled += static_cast<int32_t>(n_added);
    s->n_past = s->n_prefilled;
    s->stream->set_prefill_progress(static_cast<int64_t>(p.size()), s->n_prefilled);
    if (!s->prefilling()) {
      if (s->store_named) stored_.store_named(s->req.cache, s->cached, cache_, s->seq);
      s->store_named = false;
      s->stream->set_prompt_logprobs(s->prompt_lp);
      if (s->req.hold_after_prefill) {
        const auto last = row(s->first_row + s->n_rows - 1);
        s->held_logits.assign(last.begin(), last.end());
        s->held = true;
        s->stream->set_prefilled(s->score);
        continue;
      }
      if (s->req.max_tokens == 0) {
        finish_slot(*s, FinishReason::kLength);
        continue;
      }
      sample(*s, row(s->first_row + s->n_rows - 1));
    }
  }
}

void Scheduler::sample(Slot& s, std::span<const float> logits) {
  engine::LogitsProcessor* proc = s.req.processor.get();
  TokenId next;
  try {
    if (proc) {
      // The forward's rows stay raw (logprobs report the model's own distribution): mask a copy.
      s.masked.assign(logits.begin(), logits.end());
      int64_t budget = int64_t{cache_.n_ctx()} - s.n_past;
      if (s.req.max_tokens >= 0) budget = std::min(budget, s.req.max_tokens - s.n_generated);
      proc->set_budget(budget);
      proc->apply(s.masked);
      next = s.sampler->sample(s.masked);
    } else {
      next = s.sampler->sample(logits);
    }
  } catch (const std::exception& e) {
    finish_slot(s, FinishReason::kError, e.what());
    return;
  }
  const auto& tok = tf_.model().tokenizer();
  const bool stop_token = std::find(s.req.stop_tokens.begin(), s.req.stop_tokens.end(), next) !=
                          s.req.stop_tokens.end();
  // A processor allows an end token only where its constraint is complete: it always ends.
  if ((!s.req.ignore_eos || proc) && (tok.is_eog(next) || stop_token)) {
    finish_slot(s, FinishReason::kStop);
    return;
  }
  if (proc) {
    try {
      proc->accept(next);
    } catch (const std::exception& e) {
      finish_slot(s, FinishReason::kError, e.what());
      return;
    }
  }
  s.sampler->accept(next);
  // Its NLL, so a later prompt that repeats this answer (the next chat turn) can be scored
  // from the cache; the row is the raw one (a processor masks a copy).
  s.cached.set_nll(s.n_past, engine::token_nll(logits, next));
  const auto now = Clock::now();
  if (s.n_generated == 0)
    metrics_.observe_ttft(seconds(s.stream->created, now));
  else
    metrics_.observe_token_latency(seconds(s.last_token_time, now));
  s.last_token_time = now;
  ++s.n_generated;
  metrics_.add_generated_tokens(1);
  TokenLogprob t{next, 0, {}};
  if (s.req.top_logprobs >= 0) t = token_logprob(logits, next, s.req.top_logprobs);
  s.stream->push(std::move(t));
  s.last = next;
  if (proc && proc->done())  // the constraint is complete and admits nothing more
    finish_slot(s, FinishReason::kStop);
  else if (s.req.max_tokens >= 0 && s.n_generated >= s.req.max_tokens)
    finish_slot(s, FinishReason::kLength);
  else if (s.n_past >= cache_.n_ctx())
    finish_slot(s, FinishReason::kLength);
}

}  // namespace tandem::serving
