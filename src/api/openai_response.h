// JSON bodies of OpenAI responses and stream chunks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "serving/sequence.h"
#include "tokenizer/tokenizer.h"

namespace tandem::api {

struct ResponseMeta {
  std::string id;
  std::string model;
  int64_t created = 0;
};

// cached_tokens >= 0 adds prompt_tokens_details.cached_tokens (prompt tokens whose KV was
// reused from an earlier request), as OpenAI reports prompt caching.
nlohmann::json usage_json(int64_t prompt_tokens, int64_t completion_tokens,
                          int64_t cached_tokens = -1);

// Chat: {"content":[{"token","logprob","bytes","top_logprobs":[...]}]}
nlohmann::json chat_logprobs_json(const std::vector<serving::TokenLogprob>& toks,
                                  const tokenizer::Tokenizer& t, int32_t n_top);
// Completions: {"tokens","token_logprobs","top_logprobs","text_offset"}; `lead` entries
// without a log-probability (the first prompt token) come first when echoing.
nlohmann::json completion_logprobs_json(const std::vector<tokenizer::TokenId>& lead,
                                        const std::vector<serving::TokenLogprob>& toks,
                                        const tokenizer::Tokenizer& t, int32_t n_top,
                                        size_t text_offset0);

nlohmann::json chat_chunk(const ResponseMeta& m, nlohmann::json delta, const char* finish,
                          nlohmann::json logprobs = nullptr);
nlohmann::json completion_chunk(const ResponseMeta& m, const std::string& text, const char* finish,
                                nlohmann::json logprobs = nullptr);
std::string sse_event(const nlohmann::json& j);  // "data: {...}\n\n"
inline constexpr const char* kSseDone = "data: [DONE]\n\n";

std::string new_id(const char* prefix);
int64_t unix_now();

}  // namespace tandem::api
