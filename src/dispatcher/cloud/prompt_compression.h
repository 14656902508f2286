// Prompt compression on the way to the Commander (fewer cloud tokens): a chat's user messages,
// already masked, lose their least surprising words under the edge model
// (compress/compressor.h); placeholders survive whole, so the answer unmasks as before.
// The server's policy (--compress-over, --compress-keep) and a request's own "compress"
// field decide (compress_policy.h); docs/LONG_CONTEXT.md, "Prompt compression".
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compress/compressor.h"
#include "dispatcher/cloud/compress_policy.h"
#include "tokenizer/tokenizer.h"

namespace tandem::dispatcher {

// The options a request of `prompt_tokens` edge tokens is compressed with, or none.
std::optional<compress::CompressOptions> compression_for(const CompressRequest& r,
                                                         const CompressionPolicy& p,
                                                         int64_t prompt_tokens);

// Each token's surprisal under the edge model (tokens without BOS).
using SurprisalFn = std::function<std::vector<float>(std::span<const tokenizer::TokenId>)>;

struct CompressedTotals {
  int64_t tokens_before = 0;  // edge tokens of the user messages' text
  int64_t tokens_after = 0;
  // "after/before", the x-tandem-compressed header.
  std::string header() const;
};

// Compresses, in place, the text of every user message of a chat body (string content or text
// parts); messages under kMinCompressTokens tokens are left as they are.
CompressedTotals compress_user_messages(nlohmann::ordered_json& body,
                                        const tokenizer::Tokenizer& tok,
                                        const SurprisalFn& surprisal,
                                        const compress::CompressOptions& o);
inline constexpr int64_t kMinCompressTokens = 8;

}  // namespace tandem::dispatcher
