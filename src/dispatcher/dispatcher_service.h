// The Dispatcher role of the OpenAI server: per request, privacy scan -> intent -> prompt
// perplexity from the edge prefill -> decision; the edge answers from that same KV cache,
// the cloud route masks every message, asks the Commander and unmasks the answer (also
// streamed). Commander unreachable, or its circuit open -> edge (reason offline); Commander
// failing or stalling mid-stream -> the edge continues the same answer from the text received
// so far. /health reports "degraded" while the Commander is unreachable or its circuit open.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/answer_writer.h"
#include "api/media_prompt.h"
#include "api/openai_schema.h"
#include "cache/memory_guard.h"
#include "dispatcher/cloud/commander_client.h"
#include "dispatcher/cloud/commander_link.h"
#include "dispatcher/cloud/compress_policy.h"
#include "dispatcher/cloud/masked_body.h"
#include "dispatcher/context_trim.h"
#include "dispatcher/edge/edge_engine.h"
#include "dispatcher/media_policy.h"
#include "dispatcher/routing_pipeline.h"
#include "engine/embedding.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "privacy/masker.h"
#include "registry/served_model.h"
#include "spec/drafter.h"
#include "spec/speculative.h"

namespace tandem::dispatcher {

// The routing outcome of a cloud answer verified speculatively (header x-tandem-route).
inline constexpr const char* kRouteCloudSpeculative = "cloud-speculative";

struct DispatcherOptions {
  std::string model_alias;  // the id /v1/models lists
  engine::SamplerParams sampling;
  bool fixed_seed = false;
  CommanderOptions commander;
  std::string commander_model;  // "model" sent to the Commander (empty: its default)
  // Cloud answers as speculative decoding: the edge model drafts, the Commander verifies
  // (route "cloud-speculative"; docs/DISPATCHER.md).
  bool speculative = false;
  spec::SpecOptions spec;
  int draft_threads = 1;
  // --pooling for /v1/embeddings (unset: the GGUF's pooling_type, else mean).
  std::optional<engine::Pooling> pooling;
  // --min-free-mib / --meminfo: under the floor the idle drafter is freed, then requests go
  // to the Commander (reason "offload:memory"), or get 503 + Retry-After when they cannot;
  // so does a request whose projected KV would take free memory under the floor.
  cache::MemoryGuardOptions memory;
  // --edge-max-tokens: the longest answer the edge gives (0: no limit). A request asking for
  // more goes to the Commander (reason "offload:max_tokens"); one that cannot leave, and every
  // local answer, is clamped to it (finish_reason "length").
  int64_t edge_max_tokens = 0;
  // --context-overflow: a chat whose prompt, plus room for the answer (answer_reserve), does
  // not fit the edge context goes to the Commander when it can (offload), or the edge drops
  // its oldest turns (trim; also offload's fallback), or it is a 400 when it cannot leave
  // (error). docs/LONG_CONTEXT.md.
  ContextOverflow context_overflow = ContextOverflow::kOffload;
  // --compress-over / --compress-keep: a chat going to the Commander with more prompt tokens
  // has its user messages compressed (a request's "compress" field overrides).
  CompressionPolicy compression;
  // --mmproj: the edge's image/audio encoder (null: none; media then cannot be answered on
  // the edge). --media: whether media may leave the device (media_policy.h).
  std::shared_ptr<const media::MediaEncoder> media;
  MediaPolicy media_policy = MediaPolicy::kEdgeOnly;
  // Answers carry an `x_tandem` object: the route, its reasons, timings and, on the cloud
  // route, the masked messages the Commander received (dispatcher_trace.h; --no-trace: off).
  bool trace = true;
};

// Per-conversation Maskers, so a value keeps its placeholder across the turns of a chat.
class ConversationMaskers {
 public:
  // A copy of the conversation's Masker (a fresh one for a new conversation).
  privacy::Masker checkout(const std::string& conversation);
  void store(const std::string& conversation, const privacy::Masker& m);

 private:
  static constexpr size_t kMaxConversations = 4096;
  std::mutex mu_;
  std::unordered_map<std::string, privacy::Masker> by_id_;
};

class DispatcherService : public registry::ServedModel {
 public:
  DispatcherService(std::unique_ptr<EdgeEngine> edge, std::unique_ptr<RoutingPipeline> routing,
                    DispatcherOptions opts, http::Metrics& metrics);
  ~DispatcherService() override;

  void chat_completions(const httplib::Request& req, httplib::Response& res) override;
  void completions(const httplib::Request& req, httplib::Response& res) override;
  void models(const httplib::Request& req, httplib::Response& res) override;
  void route_decision(const httplib::Request& req, httplib::Response& res) override;
  // Computed by the edge model: embeddings never leave the device.
  void embeddings(const httplib::Request& req, httplib::Response& res) override;
  // POST /v1/responses: the Responses API over this role's chat_completions; GET and DELETE
  // /v1/responses/{id}: its stored responses (this process's store).
  void responses(const httplib::Request& req, httplib::Response& res) override;
  void retrieve_response(const httplib::Request& req, httplib::Response& res) override;
  void delete_response(const httplib::Request& req, httplib::Response& res) override;
  void list_cache(const httplib::Request& req, httplib::Response& res) override;
  void delete_cache(const httplib::Request& req, httplib::Response& res) override;
  // {"status":"ok"} or {"status":"degraded","reason":...}, with the Commander's link state.
  nlohmann::json health() const override;
  // The edge model's /v1/models entry (id, context_length, modalities, media_policy).
  nlohmann::json model_card() const override;
  const engine::Model& model() const override;

  struct Walk;  // one request's state (dispatcher_walk.h)

 private:
  // dispatcher_trace.cc: what an answer's x_tandem object reports beside the Walk.
  struct TraceFacts {
    TraceFacts(std::string route, int64_t completion_tokens, bool failover = false,
               std::optional<spec::SpecStats> speculation = std::nullopt)
        : route(std::move(route)),
          completion_tokens(completion_tokens),
          failover(failover),
          speculation(speculation) {}
    std::string route;  // the x-tandem-route value
    int64_t completion_tokens = 0;
    bool failover = false;  // the Commander broke off and the edge finished the answer
    std::optional<spec::SpecStats> speculation;
  };
  nlohmann::json trace_json(const Walk& w, const TraceFacts& facts) const;
  // Whether the request asks for x_tandem.sent_to_cloud (header X-Tandem-Trace:
  // sent_to_cloud): the masked conversation is echoed only to a client that wants it (the
  // web console), not grown onto every cloud answer.
  static bool wants_sent_to_cloud(const httplib::Request& req);
  // The SSE chunk (no choices) carrying x_tandem, sent before [DONE]; empty under --no-trace.
  std::string trace_event(const Walk& w, const api::ResponseMeta& meta,
                          const TraceFacts& facts) const;

  engine::SamplerParams sampling_for(const api::GenerationParams& g) const;
  // A model other than ours is a 404 model_not_found (empty or missing: ours).
  void check_model(const std::string& requested) const;
  // w scanned and tokenized: decides (prefilling on the edge unless a rule sends it to the
  // cloud first) and answers on the edge, from the Commander (speculatively where it can),
  // or on the edge again when the Commander cannot be reached.
  void route_and_answer(std::shared_ptr<Walk> w, httplib::Response& res);
  void answer_on_edge(std::shared_ptr<Walk> w, httplib::Response& res);
  // The edge's tokens for `text`, unless it is too long to fit the edge context at all.
  // A chat holding media the edge reads: its rows in place of the markers (w.media).
  void tokenize_for_edge(Walk& w, const std::string& text, bool chat);
  // A chat body as the edge reads it: media parts its encoder reads stay in (as markers in
  // the text, w.req.media); when it cannot read one, every non-text part is dropped and that
  // modality goes to the routing signals. Sets w.req, w.has_media and w.signals (the
  // privacy/intent scan of the messages plus the media fields).
  void parse_chat_for_edge(Walk& w) const;
  // The edge prompt of a chat with media for `text` (w's rendered prompt, or it plus the
  // answer so far): encodes w's media once (w.encoded_media), then only tokenizes.
  api::MediaPrompt edge_media_prompt(Walk& w, const std::string& text) const;
  // Opens w's edge session and prefills the prompt, scoring its perplexity on the way. A chat
  // that does not fit (with room for its answer) is trimmed first (trim_for_edge); a prompt
  // the edge context cannot hold even so is a 400 context_length_exceeded.
  // scored = false: no perplexity; the prompt is prefilled by start(), in the scheduler, while
  // the stream reports its progress (return_progress).
  void prefill_on_edge(Walk& w, bool scored = true);
  // Whether w's route is known without the perplexity (no PPL rule, privacy-local, offline)
  // and w needs no prompt logprobs: then a streamed return_progress answer prefills in its
  // stream.
  bool progress_in_stream(const Walk& w) const;
  // A chat whose prompt + answer_reserve does not fit the edge context: drops its oldest
  // turns (context_trim.h) and sets w's prompt, tokens and trimmed count. Once per request;
  // nothing under --context-overflow error, for completions, or when it fits.
  void trim_for_edge(Walk& w);
  // Starts w's edge generation after a prefill. `sent`, n_sent: a continuation after the
  // text (and about that many tokens) the client already has; the grammar reads it first.
  void start_on_edge(Walk& w, const std::string& sent = {}, int64_t n_sent = 0);
  // The JSON of an edge answer. continuation: after `sent` bytes the client already has
  // (no role chunk, no echo).
  std::unique_ptr<api::AnswerWriter> writer_for(const Walk& w, const api::ResponseMeta& meta,
                                                bool continuation = false, size_t sent = 0) const;
  // False when the Commander could not be reached, its circuit is open, or it refused us
  // (401/403, a gateway error): nothing was written to res, the edge answers.
  bool answer_from_cloud(std::shared_ptr<Walk> w, httplib::Response& res);
  void set_route_headers(const Walk& w, httplib::Response& res, bool speculative = false);
  // dispatcher_compress.cc: compresses a (masked) chat body bound for the Commander when the
  // policy or the request asks, and drops the request's "compress" field; the
  // x-tandem-compressed value ("kept/total" user-message tokens), empty when not compressed.
  std::string compress_for_cloud(const Walk& w, nlohmann::ordered_json& body);
  // The offload signals of a request (prompt_tokens set): edge context, Commander reachability,
  // the memory guard and the KV projection, the answer budget.
  // chat: the answer reserve counts in the context rule (not under --context-overflow error).
  void offload_signals(router::RoutingSignals& s, int64_t max_tokens, bool chat) const;
  // 400 unsupported_modality: a content part the edge has no encoder for, and the request
  // cannot go to the Commander (privacy, offline; w.decision says which).
  [[noreturn]] void refuse_modality(const Walk& w) const;
  // 503 memory_pressure + Retry-After: under the memory floor (or w's projected KV would take
  // it there) with no Commander to offload to (or privacy keeping the request on the device).
  [[noreturn]] void refuse_for_memory(const Walk& w, httplib::Response& res) const;
  // Whether a chat's cloud answer may be drafted and verified (--speculative): not with a
  // grammar (the drafter and the verifier apply none), tools, logprobs, the reasoning split
  // or ignore_eos (only the Commander's own generation does those). Completions never are.
  bool speculative_allowed(const api::ChatRequest& r) const;

  // dispatcher_speculative.cc
  enum class SpecResult { kAnswered, kNoVerify, kUnreachable };
  // kNoVerify: the Commander has no usable verify endpoint (the plain cloud path answers);
  // kUnreachable: nothing answered (offline). Nothing was written to res then.
  SpecResult answer_speculative(std::shared_ptr<Walk> w, httplib::Response& res);
  // The Commander failed mid-answer: the edge prefills prompt + `sent` and continues.
  void continue_on_edge(Walk& w, const std::string& sent, int64_t n_generated);

  std::unique_ptr<EdgeEngine> edge_;
  std::unique_ptr<RoutingPipeline> routing_;
  DispatcherOptions opts_;
  http::Metrics& metrics_;
  std::unique_ptr<CommanderLink> link_;  // circuit breaker + health probe (its thread)
  ConversationMaskers maskers_;
  // One speculative answer drafts at a time (a busy drafter sends the next one down the
  // plain cloud path rather than making it wait).
  std::mutex drafter_mu_;
  std::unique_ptr<spec::Drafter> drafter_;     // only under drafter_mu_
  std::unique_ptr<cache::MemoryGuard> guard_;  // after drafter_: its evictor frees it
  int collector_ = -1;                         // the guard's lines in /metrics
  // Chats the edge answered trimmed, and the messages it dropped (/metrics).
  std::atomic<uint64_t> trimmed_chats_{0}, trimmed_messages_{0};
};

}  // namespace tandem::dispatcher
