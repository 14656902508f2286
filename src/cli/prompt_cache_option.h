// --cache-ram, --cache-dir and --cache-ttl for the servers (api/prompt_caches.h).
#pragma once

#include <CLI/CLI.hpp>

#include "api/prompt_caches.h"

namespace tandem::cli {

void add_prompt_cache_options(CLI::App* cmd, api::PromptCacheOptions& out);

}  // namespace tandem::cli
