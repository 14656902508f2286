#include "model/gguf_shards.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <thread>

#include "model/gguf_split.h"

namespace tandem::model {
namespace {

constexpr int kMaxShards = 65535;    // split.count is a u16
constexpr unsigned kMaxThreads = 8;  // mapping is cheap: a few threads hide the I/O latency

int64_t split_key(const GgufFile& f, std::string_view key, int64_t lo, int64_t hi) {
  const int64_t v = f.get_int(key);
  if (v < lo || v > hi)
    throw f.error(fmt::format("{} {} is out of range ({}..{})", key, v, lo, hi));
  return v;
}

GgufFile open_shard(const GgufFile& first, const std::string& prefix, int no, int count,
                    int64_t n_tensors) {
  const std::string path = split::shard_path(prefix, no, count);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw ModelFileError(fmt::format("{}: missing shard {} of {} of the split model {}", path,
                                     no + 1, count, first.path()));
  GgufFile s = GgufFile::open_single(path);
  const auto expect = [&](std::string_view key, int64_t want) {
    if (!s.has(key))
      throw s.error(fmt::format("no {} key: not a shard of the split model {}", key, first.path()));
    const int64_t got = s.get_int(key);
    if (got != want)
      throw s.error(fmt::format("{} is {}, expected {}: not a shard of the same split model as {}",
                                key, got, want, first.path()));
  };
  expect(split::kCount, count);
  expect(split::kNo, no);
  expect(split::kTensorsCount, n_tensors);
  return s;
}

}  // namespace

int split_count(const GgufFile& f) {
  if (!f.has(split::kCount)) return 1;
  return std::max<int>(1, static_cast<int>(split_key(f, split::kCount, 0, kMaxShards)));
}

std::vector<GgufFile> open_other_shards(const GgufFile& first) {
  const int count = split_count(first);
  if (count == 1) return {};
  const int no = static_cast<int>(split_key(first, split::kNo, 0, count - 1));
  if (no != 0) {
    const auto prefix = split::shard_prefix(first.path(), no, count);
    throw first.error(fmt::format("this is shard {} of {} of a split model; load the first shard{}",
                                  no + 1, count,
                                  prefix ? " " + split::shard_path(*prefix, 0, count) : ""));
  }
  const auto prefix = split::shard_prefix(first.path(), 0, count);
  if (!prefix)
    throw first.error(
        fmt::format("first shard of a split model of {} files, but its name does not end in "
                    "-00001-of-{:05d}.gguf, so the other shards cannot be found",
                    count, count));
  const int64_t n_tensors = split_key(first, split::kTensorsCount, 0, INT32_MAX);

  const int n_other = count - 1;
  std::vector<std::optional<GgufFile>> shards(n_other);
  std::vector<std::exception_ptr> errors(n_other);
  std::atomic<int> next{0};
  const auto work = [&] {
    for (int i = next++; i < n_other; i = next++) {
      try {
        shards[i].emplace(open_shard(first, *prefix, i + 1, count, n_tensors));
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  {
    const unsigned hw = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
    const int n_threads = std::min(n_other, static_cast<int>(hw));
    std::vector<std::jthread> helpers;
    for (int t = 1; t < n_threads; ++t) helpers.emplace_back(work);
    work();
  }  // the jthreads join here
  // The lowest-numbered bad shard, whichever thread saw it first: the error is deterministic.
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  std::vector<GgufFile> out;
  out.reserve(n_other);
  for (auto& s : shards) out.push_back(std::move(*s));
  return out;
}

}  // namespace tandem::model
