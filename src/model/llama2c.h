// llama2.c checkpoints (karpathy/llama2.c run.c format) and their tokenizer files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/gguf_file.h"

namespace tandem::model {

// True when the file does not start with the GGUF magic (so it may be a llama2.c checkpoint).
bool looks_like_llama2c(const std::string& path);

// Converts `checkpoint` (+ `tokenizer`, e.g. tok512.bin) into an in-memory GGUF with the
// same tensor names and metadata llama.cpp's llama2.c converter writes, so the rest of
// Tandem sees one format. Throws ModelFileError naming the file on any inconsistency.
GgufFile load_llama2c(const std::string& checkpoint, const std::string& tokenizer);

}  // namespace tandem::model
