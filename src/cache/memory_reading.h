// How much memory this process may still use: the kernel's MemAvailable, capped by the cgroup
// v2 limit when the process runs under one (a container or a systemd slice: memory.max -
// memory.current). Paths are parameters so a test (or an SDK on another platform) can point
// them elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tandem::cache {

struct MemorySources {
  std::string meminfo = "/proc/meminfo";
  std::string cgroup_dir = "/sys/fs/cgroup";  // memory.max, memory.current; absent: ignored
};

struct MemoryReading {
  uint64_t available_bytes = 0;
  std::string source;  // "meminfo" or "cgroup": which bound is the tighter
};

// Throws std::runtime_error naming the file when meminfo cannot be read or has no
// MemAvailable line.
MemoryReading read_available_memory(const MemorySources& src);

// "MemAvailable:   123456 kB" out of a meminfo text, in bytes; nullopt when absent.
std::optional<uint64_t> parse_mem_available(const std::string& meminfo_text);

}  // namespace tandem::cache
