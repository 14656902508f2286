#include "cli/prompt_cache_option.h"

namespace tandem::cli {

void add_prompt_cache_options(CLI::App* cmd, api::PromptCacheOptions& out) {
  cmd->add_option_function<uint64_t>(
         "--cache-ram", [&out](uint64_t mib) { out.ram_bytes = mib << 20; },
         "MiB of RAM for prompt KV saved from slots and reused by later requests (default "
         "256; 0: off)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 24));
  cmd->add_option("--cache-dir", out.dir,
                  "Directory keeping named cache entries (extra_body.cache) across restarts");
  cmd->add_option("--cache-ttl", out.default_ttl_s,
                  "Seconds a named cache entry lives when the request gives no ttl")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{30} * 24 * 3600));
}

}  // namespace tandem::cli
