// A key for "the same model file": cached KV is only valid for the weights that made it.
#pragma once

#include <filesystem>
#include <string>

namespace tandem::cache {

// 16 hex digits over the file's size, its first MiB (GGUF header, metadata, tensor index)
// and 64 KiB at each of 32 evenly spaced offsets. Hashing every byte of a multi-GiB model
// would add seconds to each start on a phone; two models differing only inside unsampled
// bytes are not told apart (documented in docs/MEMORY.md). Throws std::runtime_error.
std::string model_fingerprint(const std::filesystem::path& model_file);

}  // namespace tandem::cache
