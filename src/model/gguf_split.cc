#include "model/gguf_split.h"

#include <fmt/format.h>

namespace tandem::model::split {
namespace {
std::string suffix(int no, int count) {
  return fmt::format("-{:05d}-of-{:05d}.gguf", no + 1, count);
}
}  // namespace

std::string shard_path(std::string_view prefix, int no, int count) {
  return std::string(prefix) + suffix(no, count);
}

std::optional<std::string> shard_prefix(std::string_view path, int no, int count) {
  const std::string s = suffix(no, count);
  // llama.cpp requires a non-empty prefix too.
  if (path.size() <= s.size() || path.substr(path.size() - s.size()) != s) return std::nullopt;
  return std::string(path.substr(0, path.size() - s.size()));
}

}  // namespace tandem::model::split
