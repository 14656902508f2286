// Server logging: spdlog's default logger with levels and timestamps, as text or as one JSON
// object per line, to stderr. Code logs with spdlog::info(...) etc.; what reaches info and
// above never carries prompt or answer text (privacy: only ids, sizes, routes, timings).
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace tandem::log {

enum class Format { kText, kJson };

// "text" | "json"; throws std::invalid_argument otherwise.
Format parse_format(std::string_view name);
// trace | debug | info | warn | error | off; throws std::invalid_argument otherwise.
spdlog::level::level_enum parse_level(std::string_view name);

// Replaces the default logger: `sink` (stderr when null) at `level` in `format`.
void init(spdlog::level::level_enum level, Format format, spdlog::sink_ptr sink = nullptr);

}  // namespace tandem::log
