// Parsing of the model registry's limits: byte sizes (--models-max-bytes 500M) and
// Ollama-style keep-alive durations (--keep-alive 5m, a request's "keep_alive": "10m" | 300 |
// -1). Both throw std::invalid_argument with one line naming the bad value.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace tandem::registry {

// How long an idle loaded model stays: < 0 forever, 0 unload right after the request.
using KeepAlive = std::chrono::milliseconds;
inline constexpr KeepAlive kKeepForever{-1};

// "1234", "500M", "2G", "1.5GiB", "64k": bytes (K/M/G/T are powers of 1024).
uint64_t parse_byte_size(std::string_view text);

// "5m", "30s", "1h30m", "250ms", "300" (seconds), "-1" (forever), "0".
KeepAlive parse_keep_alive(std::string_view text);
// A request body's "keep_alive": a number of seconds or a duration string.
KeepAlive keep_alive_from_json(const nlohmann::json& value);

// "5m0s"-like text for logs and JSON ("forever" for a negative value).
std::string describe_keep_alive(KeepAlive k);

}  // namespace tandem::registry
