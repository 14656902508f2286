// Writing a model as llama.cpp's split GGUF files (llama-gguf-split --split) and back into
// one file (--merge), through GgufWriter.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/gguf_file.h"

namespace tandem::model {

struct SplitOptions {
  int max_tensors = 0;                 // --split-max-tensors: at most this many per shard
  uint64_t max_bytes = 0;              // --split-max-size: tensor bytes per shard (one of the two)
  bool no_tensor_first_split = false;  // first shard holds the metadata only
};

// Tensor indices (into GgufFile::tensors()) per shard, in order. llama.cpp's rules: by
// count, a new shard every max_tensors tensors; by size, a new shard when the next tensor
// (padded to 32 bytes) would take the shard's tensor bytes past max_bytes; a tensor larger
// than max_bytes gets a shard of its own.
std::vector<std::vector<size_t>> plan_split(const GgufFile& in, const SplitOptions& opt);

// "500M", "2G" (decimal, as llama-gguf-split reads them) and also "300K" or plain bytes.
// Throws std::invalid_argument on anything else.
uint64_t parse_split_size(std::string_view text);

// Called before each tensor is written and once at the end (done == total).
using WriteProgress = std::function<void(const std::string& path, uint64_t done, uint64_t total)>;

// Writes PREFIX-0000i-of-0000N.gguf: the first shard carries all of `in`'s metadata, every
// shard split.no / split.count / split.tensors.count. Returns the paths written.
std::vector<std::string> write_split(const GgufFile& in, const std::string& prefix,
                                     const std::vector<std::vector<size_t>>& plan,
                                     const WriteProgress& progress = {});

// Writes every tensor of the split model `in` (opened from its first shard) into one file at
// `out`, with the first shard's metadata and split.count 0, as llama-gguf-split --merge does.
void write_merged(const GgufFile& in, const std::string& out, const WriteProgress& progress = {});

}  // namespace tandem::model
