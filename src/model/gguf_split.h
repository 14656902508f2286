// llama.cpp's split GGUF layout (llama-gguf-split): the keys every shard carries and the
// shard file names, "PREFIX-00001-of-00004.gguf" (llama_split_path / llama_split_prefix).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::model::split {

// LLM_KV_SPLIT_*: split.no (u16, 0-based) and split.count (u16) in every shard;
// split.tensors.count (i32) is the model's total tensor count, also in every shard.
inline constexpr std::string_view kNo = "split.no";
inline constexpr std::string_view kCount = "split.count";
inline constexpr std::string_view kTensorsCount = "split.tensors.count";

inline bool is_split_key(std::string_view key) {
  return key == kNo || key == kCount || key == kTensorsCount;
}

// "PREFIX-%05d-of-%05d.gguf" with the shard numbered from 1 (`no` is split.no, 0-based).
std::string shard_path(std::string_view prefix, int no, int count);

// The PREFIX of `path` when it ends in shard `no`'s suffix, like llama_split_prefix.
std::optional<std::string> shard_prefix(std::string_view path, int no, int count);

// Where a file name sits in a split set: "DIR/X-00002-of-00004.gguf" -> {"DIR/X", 1, 4}.
struct ShardName {
  std::string prefix;
  int no = 0;  // 0-based, like split.no
  int count = 0;
};
std::optional<ShardName> parse_shard_name(std::string_view path);

// The id a model file goes by: its stem, without the shard suffix for a split set's first
// shard ("X-00001-of-00004.gguf" -> "X"), so a split model is named like the whole file.
std::string model_stem(const std::filesystem::path& path);

}  // namespace tandem::model::split
