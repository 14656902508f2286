#include "cli/memory_guard_option.h"

namespace tandem::cli {

void add_memory_guard_options(CLI::App* cmd, cache::MemoryGuardOptions& out) {
  cmd->add_option_function<uint64_t>(
         "--min-free-mib", [&out](uint64_t mib) { out.min_free_bytes = mib << 20; },
         "Memory floor: below it idle caches are dropped, then new work is refused (503) or "
         "offloaded (default 500; 0: off)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 30));
  cmd->add_option("--meminfo", out.sources.meminfo,
                  "Where available memory is read (MemAvailable); a cgroup v2 limit in "
                  "/sys/fs/cgroup also applies")
      ->capture_default_str();
}

}  // namespace tandem::cli
