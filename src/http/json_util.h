// JSON output that never throws on invalid UTF-8 (token pieces can be partial sequences).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tandem::http {

inline std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tandem::http
