// POST /v1/embeddings as OpenAI shapes it: the body validated into token inputs (400 naming
// the field, 404 for another model), the engine's pooled vectors, the answer as floats or
// base64. Both nodes answer through answer_embeddings with their own engine.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "api/prompt_guard.h"
#include "engine/embedding.h"
#include "engine/transformer.h"

namespace tandem::api {

// The most inputs one request may carry (OpenAI's limit). Each input holds at most the
// context, so a request's tokens are bounded by n_ctx x this.
inline constexpr size_t kMaxEmbeddingInputs = 2048;

// What a node needs to answer /v1/embeddings from its engine.
struct EmbeddingEngine {
  engine::Transformer& tf;
  std::string model_alias;  // the id requests must name (or leave out)
  int32_t n_ctx = 0;        // the longest input, in tokens
  engine::EmbedOptions opts;
  engine::ForwardRunner run;  // where each forward runs (empty: the calling thread)
  // Refuses a text input too long for n_ctx before tokenizing it (null: no early check).
  const PromptGuard* guard = nullptr;
};

struct EmbeddingRequest {
  std::string model;
  std::vector<std::vector<tokenizer::TokenId>> inputs;  // tokenized, each non-empty
  bool base64 = false;
};

// Validates `body` against the engine's model (vocabulary, width, context, pooling).
EmbeddingRequest parse_embedding_request(const nlohmann::json& body, const EmbeddingEngine& e);
// The little-endian float32 bytes of `v`, base64 (OpenAI's encoding_format "base64").
std::string base64_floats(std::span<const float> v);
// The whole exchange: the response body for `body`.
nlohmann::json answer_embeddings(const nlohmann::json& body, const EmbeddingEngine& e);

}  // namespace tandem::api
