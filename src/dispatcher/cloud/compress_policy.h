// The Dispatcher's prompt compression policy and a request's "compress" field
// (dispatcher/cloud/prompt_compression.h does the compressing). Kept apart so the service's
// header does not depend on the compressor.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace tandem::dispatcher {

struct CompressionPolicy {
  int64_t over_tokens = 0;     // prompts of more edge tokens are compressed; 0: only when asked
  double keep = 0.5;           // share of each user message's tokens kept
  bool compress_code = false;  // fenced code blocks lose words too
};

// A request's "compress" field, top level or inside a literal extra_body object: absent (the
// server's policy), false (never), true (always, the server's share) or {"keep": R, "code": B}
// (always, with these values).
struct CompressRequest {
  enum class Mode { kPolicy, kOff, kOn };
  Mode mode = Mode::kPolicy;
  std::optional<double> keep;
  std::optional<bool> code;
};

// Throws http::ApiError 400 naming compress or compress.<key> for a bad value.
CompressRequest parse_compress_field(const nlohmann::ordered_json& body);

// The body without our "compress" field (the Commander, or any upstream, never sees it).
void strip_compress_field(nlohmann::ordered_json& body);

}  // namespace tandem::dispatcher
