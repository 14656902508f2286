#include "http/request_id.h"

#include <random>

namespace tandem::http {
namespace {

thread_local std::string t_request_id;

bool sane(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string request_id_from(std::string_view offered) {
  if (sane(offered)) return std::string(offered);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "req-";
  for (uint64_t v = rng(), i = 0; i < 16; ++i, v >>= 4) id.push_back(kHex[v & 15]);
  return id;
}

const std::string& current_request_id() {
  return t_request_id;
}

RequestIdScope::RequestIdScope(std::string id) : previous_(std::move(t_request_id)) {
  t_request_id = std::move(id);
}

RequestIdScope::~RequestIdScope() {
  t_request_id = std::move(previous_);
}

}  // namespace tandem::http
