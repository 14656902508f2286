// SHA-256 of a model file, for the hot swap's checksum check (sha256sum's hex digest).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace tandem::registry {

// The lowercase hex digest of the file's bytes; throws std::runtime_error naming the file
// if it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

// The digest in `path` + ".sha256" if that sidecar exists (sha256sum's "HEX  name" line, or
// the bare hex), lowercased; throws std::runtime_error if it exists but holds no digest.
std::optional<std::string> sha256_sidecar(const std::filesystem::path& path);

// `s` lowercased when it is 64 hex digits (a digest as sha256sum prints it), else nothing.
std::optional<std::string> sha256_hex(std::string s);

}  // namespace tandem::registry
