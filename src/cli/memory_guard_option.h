// --min-free-mib and --meminfo for the servers (the memory guard, cache/memory_guard.h).
#pragma once

#include <CLI/CLI.hpp>

#include "cache/memory_guard.h"

namespace tandem::cli {

// Writes into `out` once parsed: the floor in bytes and where memory is read.
void add_memory_guard_options(CLI::App* cmd, cache::MemoryGuardOptions& out);

}  // namespace tandem::cli
