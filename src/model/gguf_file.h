// Read-only, validated view of a GGUF file (v2 or v3), memory-mapped.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/ggml_types.h"
#include "model/gguf_value.h"

namespace tandem::model {

// Every problem with a model file; the message names the file and the problem on one line.
class ModelFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GgufTensorInfo {
  std::string name;
  GgmlType type = GgmlType::F32;
  std::vector<int64_t> dims;  // ggml order: dims[0] is the row length (innermost)
  uint64_t offset = 0;        // relative to the start of the tensor data section
  size_t nbytes = 0;
  const uint8_t* data = nullptr;  // points into the mapping (or the owned buffer)
  uint16_t shard = 0;  // which file of a split model holds it (0: the first; offset is its own)

  int64_t n_elements() const;
  int64_t row_length() const { return dims.empty() ? 1 : dims[0]; }
  int64_t n_rows() const { return row_length() == 0 ? 0 : n_elements() / row_length(); }
};

class GgufFile {
 public:
  static constexpr uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
  static constexpr size_t kDefaultAlignment = 32;

  // Maps and validates `path`; throws ModelFileError("PATH: problem"). When `path` is the
  // first shard of a split model (llama.cpp's split.count > 1, model/gguf_split.h), the
  // other shards are mapped too (in parallel) and their tensors join this file's: metadata
  // is the first shard's, tensors() covers the whole model.
  static GgufFile open(const std::string& path);
  // Exactly the one file at `path`, without following a split set.
  static GgufFile open_single(const std::string& path);
  // Parses an in-memory image (used for converted llama2.c checkpoints and tests).
  // `name` stands in for the path in error messages.
  static GgufFile from_bytes(std::vector<uint8_t> bytes, std::string name);

  GgufFile(GgufFile&&) noexcept;
  GgufFile& operator=(GgufFile&&) noexcept;
  ~GgufFile();

  const std::string& path() const { return path_; }
  uint32_t version() const { return version_; }
  size_t alignment() const { return alignment_; }
  size_t file_size() const { return bytes_.size(); }  // of the first shard
  // 1 for a whole model; the files of a split model in shard order (0: this file).
  size_t shard_count() const { return 1 + shards_.size(); }
  const std::string& shard_path(size_t i) const { return i == 0 ? path_ : shards_[i - 1].path_; }
  size_t total_size() const;  // bytes of every shard together

  const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return metadata_; }
  const GgufValue* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }

  // Typed getters: throw ModelFileError naming the file and key when missing or mistyped.
  std::string get_string(std::string_view key) const;
  int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  // Variants with a default for optional keys (still throw on a wrong type).
  std::string get_string(std::string_view key, std::string def) const;
  int64_t get_int(std::string_view key, int64_t def) const;
  double get_double(std::string_view key, double def) const;
  bool get_bool(std::string_view key, bool def) const;

  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  const GgufTensorInfo* find_tensor(std::string_view name) const;
  // Throws ModelFileError naming the file when the tensor is missing.
  const GgufTensorInfo& tensor(std::string_view name) const;

  // Lets the kernel drop this process's mapped pages of [p, p + n) (bytes of this file) after
  // a copy was made, so they stop counting as resident; touching them again re-reads the
  // file. A no-op for in-memory images.
  void release_pages(const uint8_t* p, size_t n) const;

  // "PATH: message" — for errors raised by code interpreting this file.
  ModelFileError error(const std::string& message) const;

 private:
  GgufFile() = default;
  void parse();
  // Takes over the tensors of shards 2..N (already checked to be of this split set).
  void adopt_shards(std::vector<GgufFile> shards);

  struct Mapping;
  std::string path_;
  std::unique_ptr<Mapping> mapping_;
  std::span<const uint8_t> bytes_;
  std::vector<uint8_t> owned_;
  uint32_t version_ = 0;
  size_t alignment_ = kDefaultAlignment;
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::unordered_map<std::string, size_t> metadata_index_;
  std::vector<GgufTensorInfo> tensors_;
  std::unordered_map<std::string, size_t> tensor_index_;
  std::vector<GgufFile> shards_;  // keeps the other shards' mappings alive
};

}  // namespace tandem::model
