// The memory guard's state for /metrics (Prometheus text) and /health (JSON).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cache/memory_guard.h"

namespace tandem::cache {

std::string memory_guard_metrics(const MemoryGuard& g);
// "100 MiB available, under the 500 MiB floor": why a server sheds work (its 503's message).
std::string memory_shortage(const MemoryGuard& g);
nlohmann::json memory_guard_json(const MemoryGuard& g);

}  // namespace tandem::cache
