#include "model/gguf_split_writer.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "model/gguf_split.h"
#include "model/gguf_writer.h"

namespace tandem::model {
namespace {

constexpr size_t kMaxShards = 65535;  // split.count is a u16
constexpr uint64_t kPad = 32;         // llama-gguf-split sizes tensors padded to GGUF's default

// Adds `t` to `w`, its bytes copied from the input's mapping only when the shard is written.
void add_copied(GgufWriter& w, const GgufTensorInfo& t, const std::string& path, uint64_t& done,
                uint64_t total, const WriteProgress& progress) {
  w.add_tensor_lazy(t.name, t.type, t.dims,
                    [&t, &path, &done, total, &progress](std::span<uint8_t> out) {
                      if (progress) progress(path, done, total);
                      std::memcpy(out.data(), t.data, t.nbytes);
                      done += t.nbytes;
                    });
}

uint64_t total_bytes(const GgufFile& in) {
  uint64_t n = 0;
  for (const auto& t : in.tensors()) n += t.nbytes;
  return n;
}

}  // namespace

std::vector<std::vector<size_t>> plan_split(const GgufFile& in, const SplitOptions& opt) {
  if ((opt.max_bytes > 0) == (opt.max_tensors > 0))
    throw std::invalid_argument("give one of a maximum tensor count or a maximum size per shard");
  std::vector<std::vector<size_t>> plan(1);
  if (opt.no_tensor_first_split) plan.emplace_back();
  uint64_t bytes = 0;  // tensor bytes in the current shard
  const auto& tensors = in.tensors();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const uint64_t n = (tensors[i].nbytes + kPad - 1) / kPad * kPad;
    const bool next = opt.max_bytes > 0 ? bytes + n > opt.max_bytes && !plan.back().empty()
                                        : i > 0 && i % static_cast<size_t>(opt.max_tensors) == 0;
    if (next) {
      plan.emplace_back();
      bytes = 0;
    }
    bytes += n;
    plan.back().push_back(i);
  }
  if (plan.size() > kMaxShards)
    throw std::invalid_argument(
        fmt::format("{} shards: more than split.count can hold ({}); raise the limit", plan.size(),
                    kMaxShards));
  return plan;
}

uint64_t parse_split_size(std::string_view text) {
  uint64_t n = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, n);
  uint64_t unit = 1;
  const std::string_view suffix(p, static_cast<size_t>(end - p));
  if (suffix == "K")
    unit = 1000;
  else if (suffix == "M")
    unit = 1000 * 1000;
  else if (suffix == "G")
    unit = 1000 * 1000 * 1000;
  else if (!suffix.empty())
    unit = 0;
  if (ec != std::errc() || p == text.data() || unit == 0 || n == 0 || n > UINT64_MAX / unit)
    throw std::invalid_argument("size '" + std::string(text) +
                                "': expected a positive number with M or G (e.g. 500M, 2G)");
  return n * unit;
}

std::vector<std::string> write_split(const GgufFile& in, const std::string& prefix,
                                     const std::vector<std::vector<size_t>>& plan,
                                     const WriteProgress& progress) {
  const int count = static_cast<int>(plan.size());
  const auto n_tensors = static_cast<int32_t>(in.tensors().size());
  const uint64_t total = total_bytes(in);
  uint64_t done = 0;
  std::vector<std::string> paths;
  for (int s = 0; s < count; ++s) {
    const std::string path = split::shard_path(prefix, s, count);
    GgufWriter w;
    if (s == 0)  // the model's metadata lives in the first shard only, as in llama.cpp
      for (const auto& [k, v] : in.metadata()) w.set(k, v);
    w.set(std::string(split::kNo), GgufValue(static_cast<uint16_t>(s)));
    w.set(std::string(split::kCount), GgufValue(static_cast<uint16_t>(count)));
    w.set(std::string(split::kTensorsCount), GgufValue(n_tensors));
    for (const size_t i : plan[s]) add_copied(w, in.tensors().at(i), path, done, total, progress);
    w.write(path);
    paths.push_back(path);
  }
  if (progress) progress(paths.empty() ? prefix : paths.back(), total, total);
  return paths;
}

void write_merged(const GgufFile& in, const std::string& out, const WriteProgress& progress) {
  if (!in.has(split::kCount))
    throw ModelFileError(in.path() + ": not a split model (no " + std::string(split::kCount) +
                         " key): nothing to merge");
  std::error_code ec;
  if (std::filesystem::exists(out, ec))
    throw ModelFileError(out + ": already exists; not overwriting it");
  GgufWriter w;
  for (const auto& [k, v] : in.metadata()) w.set(k, v);
  // llama-gguf-split --merge keeps the split keys with a count of 0: a whole file.
  w.set(std::string(split::kCount), GgufValue(static_cast<uint16_t>(0)));
  const uint64_t total = total_bytes(in);
  uint64_t done = 0;
  for (const auto& t : in.tensors()) add_copied(w, t, out, done, total, progress);
  w.write(out);
  if (progress) progress(out, total, total);
}

}  // namespace tandem::model
