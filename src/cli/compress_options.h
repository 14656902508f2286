// Prompt compression options shared by `run`, `dispatcher` and `eval-compress`, and the local
// compression of `run --compress-keep` (docs/LONG_CONTEXT.md, "Prompt compression").
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "compress/compressor.h"
#include "engine/model.h"

namespace tandem::cli {

// A share of tokens to keep: a number in (0, 1].
const CLI::Validator& keep_share();

struct LocalCompression {
  std::string text;
  int64_t tokens_before = 0;
  int64_t tokens_after = 0;
};

// The prompt with its least surprising words (under `model`) dropped.
LocalCompression compress_locally(const engine::Model& model, int threads,
                                  const std::string& prompt, const compress::CompressOptions& o);

}  // namespace tandem::cli
