// safetensors files (Hugging Face): an 8-byte header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the data. The reader validates every range.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tandem::model {
class MappedFile;
}

namespace tandem::convert {

struct SafeTensor {
  std::string name;
  std::string dtype;           // "F32", "F16", "BF16", ...
  std::vector<int64_t> shape;  // row-major: shape.back() is the row length
  std::span<const uint8_t> data;
  int64_t n_elements() const;
};

class SafetensorsFile {
 public:
  // Maps and validates; throws model::ModelFileError("PATH: problem").
  static SafetensorsFile open(const std::string& path);
  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  const std::string& path() const { return path_; }
  const std::vector<SafeTensor>& tensors() const { return tensors_; }
  const SafeTensor* find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  SafetensorsFile() = default;
  std::string path_;
  std::unique_ptr<model::MappedFile> file_;
  std::vector<SafeTensor> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// Bytes per element of a safetensors dtype; 0 when unknown.
size_t dtype_size(const std::string& dtype);

// Converts n elements of an F32/F16/BF16 tensor to floats; another dtype (F64, ints) is a
// ModelFileError, as any other unusable content of the file.
void to_f32(const SafeTensor& t, float* out);

class SafetensorsWriter {
 public:
  void add(const std::string& name, const std::string& dtype, std::vector<int64_t> shape,
           std::vector<uint8_t> data);
  void set_metadata(const std::string& key, const std::string& value) { meta_[key] = value; }
  void write(const std::string& path) const;

 private:
  struct Entry {
    std::string name, dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> data;
  };
  std::vector<Entry> entries_;
  std::map<std::string, std::string> meta_;
};

}  // namespace tandem::convert
