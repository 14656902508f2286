// Continuous batching: N slots share one KvCache (one sequence each); every step runs ONE
// Transformer::forward over the new tokens of all active sequences (a decode token each, plus
// prompt chunks of newly admitted ones), so throughput grows with concurrency.
// The Transformer is not thread-safe: only the scheduler thread touches it.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/transformer.h"
#include "http/metrics.h"
#include "serving/cached_prefix.h"
#include "serving/sequence.h"
#include "serving/stored_prefix.h"

namespace tandem::serving {

// Thrown by submit() when every slot is busy and the queue is full.
struct QueueFull : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SchedulerOptions {
  int32_t n_slots = 4;
  int32_t n_ctx = 2048;    // per slot
  size_t max_queue = 256;  // requests waiting beyond the busy slots
  size_t max_batch = 512;  // tokens per forward (prompt chunks are split to fit)
  // A new request takes the free slot whose cache holds the longest prefix of its prompt and
  // prefills only the rest (SeqStream::cached_tokens reports how many were reused).
  bool prefix_reuse = true;
  // Beyond the slots (serving/stored_prefix.h); null: that tier is off. Owned by the server,
  // outliving the scheduler.
  cache::PromptStore* prompt_store = nullptr;
  cache::FeatureCache* feature_cache = nullptr;
  // A bounded KV cache per slot (engine/kv_budget.h; its headroom becomes max_batch): a
  // slot's positions still run to n_ctx, its memory is the budget's.
  engine::KvBudget kv_budget;
};

class Scheduler {
 public:
  Scheduler(engine::Transformer& tf, SchedulerOptions opts, http::Metrics& metrics);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues a request; throws QueueFull (unless !may_refuse: a request continuing an answer
  // the client already has), or std::invalid_argument for an empty prompt or one that does
  // not fit the context.
  std::shared_ptr<SeqStream> submit(SeqRequest req, bool may_refuse = true);
  // Generation settings for a held sequence (SeqRequest::hold_after_prefill): sampling,
  // max_tokens, top_logprobs, stop_tokens, ignore_eos and processor are taken from `how`;
  // the prompt stays. A sequence no longer held (cancelled, ended) ends with an error.
  void resume(const std::shared_ptr<SeqStream>& stream, SeqRequest how);
  // Cancels a sequence and wakes the scheduler, so a held (idle) slot is freed at once.
  void cancel(const std::shared_ptr<SeqStream>& stream);
  // Requests waiting for a slot; the limit beyond the busy slots (SIZE_MAX: none).
  size_t queued();
  void set_max_queue(size_t n);
  int32_t n_ctx() const { return opts_.n_ctx; }
  size_t max_batch() const { return opts_.max_batch; }
  // Runs `work` on the scheduler thread between two steps and waits for it, rethrowing what
  // it threw: other users of the Transformer (embeddings, with their own KvCache) take turns
  // with generation instead of racing its workspaces.
  void run_exclusive(const std::function<void()>& work);
  // The memory guard's evictor: halves the KV budget (not below a quarter of the one
  // configured) and returns the bytes of cache memory handed back to the system; 0 when
  // there is no budget or it is already at its floor.
  uint64_t lower_kv_budget();

 private:
  struct Slot;
  void loop();
  void admit();                                            // under mu_
  Slot* pick_slot(const SeqRequest& req, int32_t* reuse);  // under mu_; null: none free
  void apply_resumes(std::deque<std::pair<std::shared_ptr<SeqStream>, SeqRequest>>& resumes);
  void step();
  void finish_slot(Slot& s, FinishReason r, const std::string& error = "");
  void sample(Slot& s, std::span<const float> logits);
  void publish_gauges();

  engine::Transformer& tf_;
  SchedulerOptions opts_;
  http::Metrics& metrics_;
  engine::KvCache cache_;
  StoredPrefixes stored_;
  std::vector<std::unique_ptr<Slot>> slots_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<SeqRequest, std::shared_ptr<SeqStream>>> queue_;
  std::deque<std::packaged_task<void()>> jobs_;  // run_exclusive's, run before the next step
  std::deque<std::pair<std::shared_ptr<SeqStream>, SeqRequest>> resumes_;
  bool stop_ = false;
  std::jthread thread_;
};

}  // namespace tandem::serving
