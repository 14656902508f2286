#include "api/cache_field.h"

#include "cache/feature_cache.h"
#include "http/api_error.h"

namespace tandem::api {

cache::CacheDirective parse_cache_field(const nlohmann::json& body) {
  cache::CacheDirective d;
  const auto it = body.find("cache");
  if (it == body.end() || it->is_null()) return d;
  const auto& c = *it;
  if (!c.is_object())
    throw http::bad_field("cache", "'cache' must be an object such as {\"id\": \"...\"}");
  for (const auto& [k, v] : c.items())
    if (k != "id" && k != "ttl" && k != "tags")
      throw http::bad_field("cache." + k, "unknown field (cache takes id, ttl and tags)");
  if (auto id = c.find("id"); id != c.end()) {
    if (!id->is_string()) throw http::bad_field("cache.id", "'cache.id' must be a string");
    d.id = id->get<std::string>();
    try {
      cache::FeatureCache::check_id(d.id);
    } catch (const std::invalid_argument& e) {
      throw http::bad_field("cache.id", e.what());
    }
  }
  if (auto ttl = c.find("ttl"); ttl != c.end()) {
    constexpr int64_t kMaxTtl = 30LL * 24 * 3600;
    if (!ttl->is_number_integer() || ttl->get<int64_t>() < 1 || ttl->get<int64_t>() > kMaxTtl)
      throw http::bad_field("cache.ttl", "'cache.ttl' must be whole seconds, 1 to 2592000");
    d.ttl_s = ttl->get<int64_t>();
  }
  if (auto tags = c.find("tags"); tags != c.end()) {
    if (!tags->is_array() || tags->size() > 16)
      throw http::bad_field("cache.tags", "'cache.tags' must be a list of at most 16 strings");
    for (const auto& t : *tags) {
      if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 64)
        throw http::bad_field("cache.tags", "each tag must be a string of 1 to 64 characters");
      d.tags.push_back(t.get<std::string>());
    }
  }
  if (d.empty()) throw http::bad_field("cache", "'cache' needs an id or tags");
  if (d.id.empty() && d.ttl_s >= 0)
    throw http::bad_field("cache.ttl", "'cache.ttl' applies to a stored entry: give an id");
  return d;
}

}  // namespace tandem::api
