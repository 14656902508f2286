// Builds a GGUF v3 file: metadata in insertion order, tensors aligned to general.alignment.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "model/ggml_types.h"
#include "model/gguf_value.h"

namespace tandem::model {

class GgufWriter {
 public:
  // Replaces an existing key of the same name.
  void set(const std::string& key, GgufValue value);
  void set_string(const std::string& key, std::string v) { set(key, GgufValue(std::move(v))); }
  void set_u32(const std::string& key, uint32_t v) { set(key, GgufValue(v)); }
  void set_i32(const std::string& key, int32_t v) { set(key, GgufValue(v)); }
  void set_f32(const std::string& key, float v) { set(key, GgufValue(v)); }
  void set_bool(const std::string& key, bool v) { set(key, GgufValue(v)); }
  void set_string_array(const std::string& key, const std::vector<std::string>& v);
  void set_f32_array(const std::string& key, const std::vector<float>& v);
  void set_i32_array(const std::string& key, const std::vector<int32_t>& v);

  // dims in ggml order (dims[0] = row length). `data` must hold exactly the tensor's bytes;
  // it is copied.
  void add_tensor(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                  std::span<const uint8_t> data);

  // A tensor whose bytes are produced only when the file is written (bounded memory for
  // large models): fill receives a zeroed buffer of exactly the tensor's size.
  using Filler = std::function<void(std::span<uint8_t>)>;
  void add_tensor_lazy(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                       Filler fill);

  std::vector<uint8_t> to_bytes() const;
  // Writes to PATH.tmp then renames, so a crash never leaves a half-written model.
  void write(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<int64_t> dims;
    std::vector<uint8_t> data;  // empty when `fill` produces the bytes
    size_t nbytes = 0;
    Filler fill;
    std::vector<uint8_t> bytes() const;
  };
  void check_new_tensor(const std::string& name, GgmlType type, const std::vector<int64_t>& dims,
                        size_t* nbytes) const;
  size_t alignment() const;
  std::vector<uint8_t> header_bytes() const;
  std::vector<std::pair<std::string, GgufValue>> kv_;
  std::vector<Tensor> tensors_;
};

}  // namespace tandem::model
