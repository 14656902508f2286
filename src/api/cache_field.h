// The request field `cache` (sent as extra_body.cache by the OpenAI SDKs): a named prompt
// state to store or reuse, {"id": "...", "ttl": 600, "tags": ["ui"]}; docs/MEMORY.md.
#pragma once

#include <nlohmann/json.hpp>

#include "cache/cache_directive.h"

namespace tandem::api {

// Absent: an empty directive. Malformed: ApiError 400 naming the field.
cache::CacheDirective parse_cache_field(const nlohmann::json& body);

}  // namespace tandem::api
