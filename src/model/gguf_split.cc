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

std::optional<ShardName> parse_shard_name(std::string_view path) {
  // "-NNNNN-of-MMMMM.gguf": 20 characters after a non-empty prefix.
  constexpr std::string_view kExt = ".gguf", kOf = "-of-";
  constexpr size_t kTail = 1 + 5 + kOf.size() + 5 + kExt.size();
  if (path.size() <= kTail || !path.ends_with(kExt)) return std::nullopt;
  const std::string_view tail = path.substr(path.size() - kTail);
  const auto digits = [](std::string_view d) {
    int v = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  if (tail[0] != '-' || tail.substr(6, kOf.size()) != kOf) return std::nullopt;
  const int no = digits(tail.substr(1, 5)), count = digits(tail.substr(10, 5));
  if (no < 1 || count < 1 || no > count) return std::nullopt;
  return ShardName{std::string(path.substr(0, path.size() - kTail)), no - 1, count};
}

std::string model_stem(const std::filesystem::path& path) {
  if (const auto s = parse_shard_name(path.filename().string()); s && s->no == 0) return s->prefix;
  return path.stem().string();
}

}  // namespace tandem::model::split
