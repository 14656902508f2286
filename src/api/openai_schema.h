// OpenAI request bodies parsed and validated into plain structs (errors are ApiError 400
// naming the field), and the pieces of responses serialized back to JSON.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/media_parts.h"
#include "api/tools/tool_request.h"
#include "cache/cache_directive.h"
#include "engine/sampler.h"
#include "grammar/grammar.h"
#include "serving/sequence.h"
#include "template/chat_template.h"

namespace tandem::api {

struct GenerationParams {
  engine::SamplerParams sampling;
  int64_t max_tokens = -1;  // < 0: until end of generation or a full context
  std::vector<std::string> stop;
  bool stream = false;
  bool include_usage = false;
  bool seed_given = false;  // the request named a seed
  bool ignore_eos = false;  // llama.cpp's extension: generate exactly max_tokens
  // llama-server's return_progress: a streamed answer sends prompt_progress chunks while its
  // prompt is prefilled (api/prompt_progress.h).
  bool return_progress = false;
  // The grammar the output follows (response_format json_object / json_schema, or GBNF
  // `grammar`); null: free text.
  std::shared_ptr<const grammar::Grammar> grammar;
  cache::CacheDirective cache;  // extra_body.cache (api/cache_field.h)
};

struct ChatRequest {
  std::string model;
  std::vector<templates::ChatMessage> messages;
  GenerationParams gen;
  bool logprobs = false;
  int32_t top_logprobs = 0;
  std::optional<bool> enable_thinking;
  bool return_reasoning = false;
  ToolSpec tools;
  // Image/audio parts in message order; each left kMediaMarker in its message's text.
  std::vector<MediaPart> media;
};

struct CompletionRequest {
  std::string model;
  std::variant<std::string, std::vector<tokenizer::TokenId>> prompt;
  GenerationParams gen;
  bool echo = false;
  int32_t logprobs = -1;  // < 0: none; else the number of alternatives per token
};

// `defaults` are the server's sampling defaults (its command-line flags).
ChatRequest parse_chat_request(const nlohmann::json& body, const engine::SamplerParams& defaults);
CompletionRequest parse_completion_request(const nlohmann::json& body,
                                           const engine::SamplerParams& defaults);
// The same from a body parsed with its key order kept: a response_format JSON Schema's
// properties are then generated in the document's order (the overloads above sort them).
ChatRequest parse_chat_request(const nlohmann::ordered_json& body,
                               const engine::SamplerParams& defaults);
CompletionRequest parse_completion_request(const nlohmann::ordered_json& body,
                                           const engine::SamplerParams& defaults);
// Parses a request body; invalid JSON or a non-object is an ApiError 400.
nlohmann::json parse_body(const std::string& body);
nlohmann::ordered_json parse_body_ordered(const std::string& body);

const char* finish_reason_name(serving::FinishReason r);

}  // namespace tandem::api
