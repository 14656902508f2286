// The console's web assets (src/console/web), compiled into the binary by
// cmake/embed_assets.cmake: the page needs no files, CDN or network beside the server.
#pragma once

#include <cstddef>
#include <span>

namespace tandem::console {

struct EmbeddedAsset {
  const char* path;  // relative to src/console/web, e.g. "index.html", "js/chat.js"
  const unsigned char* data;
  size_t size;
};

// Every asset, in the generated source's order.
std::span<const EmbeddedAsset> embedded_assets();

}  // namespace tandem::console
