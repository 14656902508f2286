#include "cache/memory_guard_report.h"

#include <fmt/format.h>

namespace tandem::cache {

std::string memory_guard_metrics(const MemoryGuard& g) {
  std::string out;
  out += "# HELP tandem_memory_available_bytes Memory available at the guard's last reading.\n";
  out += "# TYPE tandem_memory_available_bytes gauge\n";
  out += fmt::format("tandem_memory_available_bytes {}\n", g.available_bytes());
  out += "# HELP tandem_memory_pressure 1 while under the floor after evicting (new work shed).\n";
  out += "# TYPE tandem_memory_pressure gauge\n";
  out += fmt::format("tandem_memory_pressure {}\n", g.under_pressure() ? 1 : 0);
  out += "# HELP tandem_memory_evictions_total Evictor runs that freed memory.\n";
  out += "# TYPE tandem_memory_evictions_total counter\n";
  out += fmt::format("tandem_memory_evictions_total {}\n", g.evictions());
  out += "# HELP tandem_memory_freed_bytes_total Bytes the evictors freed.\n";
  out += "# TYPE tandem_memory_freed_bytes_total counter\n";
  out += fmt::format("tandem_memory_freed_bytes_total {}\n", g.freed_bytes());
  return out;
}

std::string memory_shortage(const MemoryGuard& g) {
  return fmt::format("{} MiB available, under the {} MiB floor", g.available_bytes() >> 20,
                     g.min_free_bytes() >> 20);
}

nlohmann::json memory_guard_json(const MemoryGuard& g) {
  return {{"available_bytes", g.available_bytes()},
          {"min_free_bytes", g.min_free_bytes()},
          {"pressure", g.under_pressure()},
          {"evictions", g.evictions()},
          {"freed_bytes", g.freed_bytes()}};
}

}  // namespace tandem::cache
