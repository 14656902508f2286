#include "cache/memory_reading.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tandem::cache {
namespace {

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::optional<uint64_t> read_number(const std::string& path) {
  const auto text = slurp(path);
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    const uint64_t v = std::stoull(*text, &used);
    return v;
  } catch (const std::exception&) {
    return std::nullopt;  // "max": no limit
  }
}

}  // namespace

std::optional<uint64_t> parse_mem_available(const std::string& meminfo_text) {
  std::istringstream lines(meminfo_text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("MemAvailable:")) continue;
    std::istringstream fields(line.substr(13));
    uint64_t kb = 0;
    std::string unit;
    if (!(fields >> kb)) return std::nullopt;
    fields >> unit;
    return unit == "kB" || unit.empty() ? kb * 1024 : kb;
  }
  return std::nullopt;
}

MemoryReading read_available_memory(const MemorySources& src) {
  const auto text = slurp(src.meminfo);
  if (!text) throw std::runtime_error("cannot read " + src.meminfo);
  const auto avail = parse_mem_available(*text);
  if (!avail) throw std::runtime_error(src.meminfo + " has no MemAvailable line");
  MemoryReading r{*avail, "meminfo"};
  const auto max = read_number(src.cgroup_dir + "/memory.max");
  const auto cur = read_number(src.cgroup_dir + "/memory.current");
  if (max && cur) {
    const uint64_t room = *max > *cur ? *max - *cur : 0;
    if (room < r.available_bytes) r = {room, "cgroup"};
  }
  return r;
}

}  // namespace tandem::cache
