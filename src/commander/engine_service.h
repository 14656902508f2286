// The Commander's local role: the OpenAI endpoints served by Tandem's own engine through
// the continuous-batching Scheduler.
#pragma once

#include <atomic>

#include <memory>
#include <optional>
#include <string>

#include "api/openai_schema.h"
#include "api/prompt_caches.h"
#include "api/prompt_guard.h"
#include "api/structured/grammar_processor.h"
#include "cache/memory_guard.h"
#include "engine/embedding.h"
#include "engine/model.h"
#include "engine/transformer.h"
#include "http/http_server.h"
#include "media/media_encoder.h"
#include "registry/served_model.h"
#include "serving/scheduler.h"
#include "template/chat_template.h"
#include "verify/verify_service.h"

namespace tandem::commander {

struct EngineServiceOptions {
  std::string model_alias;         // the id /v1/models lists and requests must name
  std::string chat_template;       // empty: detect from the GGUF
  engine::SamplerParams sampling;  // defaults for fields a request leaves out
  serving::SchedulerOptions scheduler;
  int threads = 0;
  // Requests without a seed draw a fresh one (OpenAI behaviour) unless the server's --seed
  // was given, which then applies to all of them.
  bool fixed_seed = false;
  // --pooling for /v1/embeddings (unset: the GGUF's pooling_type, else mean).
  std::optional<engine::Pooling> pooling;
  // --min-free-mib / --meminfo: under the floor idle verify sessions are dropped, then new
  // work gets 503 + Retry-After.
  cache::MemoryGuardOptions memory;
  // --cache-ram / --cache-dir / --cache-ttl: the prompt caches beyond the slots; model_file
  // keys the named entries on disk (empty: they stay in RAM).
  api::PromptCacheOptions caches;
  std::filesystem::path model_file;
  // --mmproj: the encoder of image/audio content parts (null: such parts are 400s).
  std::shared_ptr<const media::MediaEncoder> media;
};

class EngineService : public registry::ServedModel {
 public:
  EngineService(std::unique_ptr<engine::Model> model, EngineServiceOptions opts,
                http::Metrics& metrics);
  ~EngineService() override;

  void chat_completions(const httplib::Request& req, httplib::Response& res) override;
  void completions(const httplib::Request& req, httplib::Response& res) override;
  void models(const httplib::Request& req, httplib::Response& res) override;
  void tandem_verify(const httplib::Request& req, httplib::Response& res) override;
  void embeddings(const httplib::Request& req, httplib::Response& res) override;
  // POST /v1/responses: the Responses API over this role's chat_completions; GET and DELETE
  // /v1/responses/{id}: its stored responses (this process's store).
  void responses(const httplib::Request& req, httplib::Response& res) override;
  void retrieve_response(const httplib::Request& req, httplib::Response& res) override;
  void delete_response(const httplib::Request& req, httplib::Response& res) override;
  void list_cache(const httplib::Request& req, httplib::Response& res) override;
  void delete_cache(const httplib::Request& req, httplib::Response& res) override;

  nlohmann::json model_card() const override;
  const templates::ChatTemplate& chat_template() const { return template_; }
  const engine::Model& model() const override { return *model_; }
  nlohmann::json health() const override;

 private:
  void check_model(const std::string& requested) const;
  engine::SamplerParams sampling_for(const api::GenerationParams& g) const;
  std::shared_ptr<serving::SeqStream> submit(serving::SeqRequest req, httplib::Response& res);
  // Throws 503 memory_pressure (Retry-After) when the guard cannot free enough for new work.
  void admit_under_memory_guard(httplib::Response& res);

  std::unique_ptr<engine::Model> model_;
  EngineServiceOptions opts_;
  http::Metrics& metrics_;
  engine::Transformer tf_;
  templates::ChatTemplate template_;
  std::vector<tokenizer::TokenId> end_of_turn_;
  api::GrammarVocab grammar_vocab_;  // structured output: built on the first such request
  api::PromptGuard prompt_guard_;
  std::once_flag verify_once_;
  std::unique_ptr<verify::VerifyService> verify_;  // created on the first verify request
  std::atomic<verify::VerifyService*> verify_ready_{nullptr};  // for the guard's evictor
  std::unique_ptr<api::PromptCaches> caches_;  // before scheduler_, which points into it
  std::unique_ptr<cache::MemoryGuard> guard_;
  int collector_ = -1;                             // the guard's lines in /metrics
  std::unique_ptr<serving::Scheduler> scheduler_;  // last: its thread uses everything above
};

}  // namespace tandem::commander
