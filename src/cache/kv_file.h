// The on-disk form of a named prompt state (the feature cache's disk tier): a versioned header
// and a checksum over everything, so a file from another Tandem version, another model or a
// torn write is detected and dropped, never loaded into a KV cache.
//
//   "TNDMKVC\0"  u32 version  u32 header length  header (JSON)
//   i32 tokens[n_tokens]  f64 nll[n_nll]  u8 kv[kv_bytes]  u64 checksum (of all before it)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cache/kv_state.h"

namespace tandem::cache {

inline constexpr uint32_t kKvFileVersion = 1;

struct KvFileHeader {
  std::string id;
  std::vector<std::string> tags;
  int64_t created_at = 0;  // unix seconds
  int64_t expires_at = 0;
  std::string model_key;  // model_fingerprint() of the model whose KV this is
  std::string layout;     // KvCache::layout()
  uint64_t n_tokens = 0, n_nll = 0, kv_bytes = 0;
};

// Writes atomically (a temporary file renamed over `path`). Throws std::runtime_error.
void write_kv_file(const std::filesystem::path& path, const KvFileHeader& header,
                   const KvState& state);

// Reads and checks magic, version, sizes and checksum; throws std::runtime_error saying what
// is wrong. header_only: stops after the header (sizes are still checked against the file's).
struct KvFile {
  KvFileHeader header;
  std::shared_ptr<const KvState> state;  // null when header_only
};
KvFile read_kv_file(const std::filesystem::path& path, bool header_only = false);

}  // namespace tandem::cache
