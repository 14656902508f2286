// A request's `cache` field (extra_body.cache): store its prompt's KV under a name, or reuse
// a named one, e.g. {"id": "settings-screen", "ttl": 600, "tags": ["ui", "settings"]}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::cache {

struct CacheDirective {
  // Reuse the entry of this id for the start it shares with the prompt; when there is none
  // (absent or expired) store this prompt's KV under it once prefilled.
  std::string id;
  int64_t ttl_s = -1;             // < 0: the server's default (--cache-ttl)
  std::vector<std::string> tags;  // stored with the entry; without an id: reuse the best
                                  // entry carrying one of them
  bool empty() const { return id.empty() && tags.empty(); }
};

}  // namespace tandem::cache
