// Finding, mapping and checking the other shards of a split model given its first shard.
#pragma once

#include <vector>

#include "model/gguf_file.h"

namespace tandem::model {

// How many files the model `f` belongs to is split into: 1 for a whole model (no
// split.count, or 0 as llama-gguf-split --merge leaves it, or 1).
int split_count(const GgufFile& f);

// Opens shards 2..N of the split model whose first shard is `first` (none when it is whole),
// mapped in parallel on a few threads. Each must exist, be named by llama.cpp's pattern from
// the first shard's prefix, and carry the same split.count and split.tensors.count and its
// own split.no. Throws ModelFileError naming the missing or mismatched file; `first` being a
// later shard is an error naming the first one.
std::vector<GgufFile> open_other_shards(const GgufFile& first);

}  // namespace tandem::model
