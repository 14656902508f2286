#include "convert/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "kernels/quant/quant_formats.h"
#include "model/gguf_file.h"
#include "model/mapped_file.h"

namespace tandem::convert {

using model::ModelFileError;

int64_t SafeTensor::n_elements() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

size_t dtype_size(const std::string& d) {
  if (d == "F64" || d == "I64" || d == "U64") return 8;
  if (d == "F32" || d == "I32" || d == "U32") return 4;
  if (d == "F16" || d == "BF16" || d == "I16" || d == "U16") return 2;
  if (d == "I8" || d == "U8" || d == "BOOL" || d == "F8_E4M3" || d == "F8_E5M2") return 1;
  return 0;
}

void to_f32(const SafeTensor& t, float* out) {
  const int64_t n = t.n_elements();
  if (t.dtype == "F32") {
    std::memcpy(out, t.data.data(), static_cast<size_t>(n) * 4);
    return;
  }
  if (t.dtype != "F16" && t.dtype != "BF16")
    throw ModelFileError("tensor '" + t.name + "' has dtype " + t.dtype +
                         " (supported: F32, F16, BF16)");
  for (int64_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, t.data.data() + 2 * i, 2);
    out[i] = t.dtype == "F16" ? kernels::fp16_to_f32(h) : kernels::bf16_to_f32(h);
  }
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  SafetensorsFile f;
  f.path_ = path;
  f.file_ = std::make_unique<model::MappedFile>(path);
  const auto bytes = f.file_->bytes();
  auto fail = [&](const std::string& msg) { return ModelFileError(path + ": " + msg); };
  if (bytes.size() < 8) throw fail("not a safetensors file (shorter than its 8-byte header size)");
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  if (n > bytes.size() - 8) throw fail("header size " + std::to_string(n) + " exceeds the file");
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(n));
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("header is not valid JSON: ") + e.what());
  }
  if (!h.is_object()) throw fail("header is not a JSON object");
  if (h.contains("__metadata__") && !h["__metadata__"].is_object())
    throw fail("__metadata__ is not a JSON object");
  const auto data = bytes.subspan(8 + n);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [name, v] : h.items()) {
    if (name == "__metadata__") {
      if (v.is_object())
        for (const auto& [k, mv] : v.items())
          if (mv.is_string()) f.metadata_[k] = mv.get<std::string>();
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
        !v.contains("data_offsets"))
      throw fail(where + " lacks dtype, shape or data_offsets");
    SafeTensor t;
    t.name = name;
    if (!v["dtype"].is_string()) throw fail(where + ": dtype is not a string");
    t.dtype = v["dtype"].get<std::string>();
    const size_t es = dtype_size(t.dtype);
    if (es == 0) throw fail(where + ": unknown dtype " + t.dtype);
    const auto& shape = v["shape"];
    const auto& off = v["data_offsets"];
    if (!shape.is_array() || !off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
        !off[1].is_number_unsigned())
      throw fail(where + ": malformed shape or data_offsets");
    uint64_t count = 1;
    for (const auto& d : shape) {
      if (!d.is_number_unsigned())
        throw fail(where + ": shape has a dimension that is not a non-negative integer");
      const uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && count > (uint64_t{1} << 48) / dim) throw fail(where + ": shape too large");
      count *= dim;
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    if (begin > end || end > data.size())
      throw fail(where + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                 "] outside the " + std::to_string(data.size()) + " data bytes");
    if (end - begin != count * es)
      throw fail(where + ": " + std::to_string(end - begin) + " bytes for " +
                 std::to_string(count) + " " + t.dtype + " elements");
    t.data = data.subspan(begin, end - begin);
    ranges.emplace_back(begin, end);
    f.index_[name] = f.tensors_.size();
    f.tensors_.push_back(std::move(t));
  }
  // Like the reference implementation: the ranges must tile the data section exactly, so
  // overlapping, misordered or truncated data is caught here, not as garbage weights later.
  std::sort(ranges.begin(), ranges.end());
  uint64_t expect = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin < expect)
      throw fail("tensor data ranges overlap (a range starts at byte " + std::to_string(begin) +
                 ", before the previous one ends at " + std::to_string(expect) + ")");
    if (begin > expect)
      throw fail("gap in the tensor data at bytes [" + std::to_string(expect) + ", " +
                 std::to_string(begin) + ")");
    expect = end;
  }
  if (expect != data.size())
    throw fail("tensor data ends at byte " + std::to_string(expect) + " but the data section has " +
               std::to_string(data.size()) + " bytes");
  return f;
}

const SafeTensor* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

void SafetensorsWriter::add(const std::string& name, const std::string& dtype,
                            std::vector<int64_t> shape, std::vector<uint8_t> data) {
  const size_t es = dtype_size(dtype);
  if (es == 0)
    throw std::invalid_argument("safetensors: tensor '" + name + "' has unknown dtype " + dtype);
  uint64_t count = 1;
  for (auto d : shape) {
    if (d < 0)
      throw std::invalid_argument("safetensors: tensor '" + name + "' has a negative dimension");
    count *= static_cast<uint64_t>(d);
  }
  if (count * es != data.size())
    throw std::invalid_argument("safetensors: tensor '" + name + "' has " +
                                std::to_string(data.size()) + " bytes for " +
                                std::to_string(count) + " " + dtype + " elements");
  for (const auto& e : entries_)
    if (e.name == name) throw std::invalid_argument("safetensors: duplicate tensor '" + name + "'");
  entries_.push_back({name, dtype, std::move(shape), std::move(data)});
}

void SafetensorsWriter::write(const std::string& path) const {
  nlohmann::ordered_json h;
  if (!meta_.empty()) h["__metadata__"] = meta_;
  uint64_t off = 0;
  for (const auto& e : entries_) {
    h[e.name] = {
        {"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {off, off + e.data.size()}}};
    off += e.data.size();
  }
  std::string header = h.dump();
  while (header.size() % 8 != 0) header += ' ';  // keeps the data 8-byte aligned
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(path + ": cannot write");
  const uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (const auto& e : entries_)
    out.write(reinterpret_cast<const char*>(e.data.data()),
              static_cast<std::streamsize>(e.data.size()));
  if (!out) throw std::runtime_error(path + ": write failed");
}

}  // namespace tandem::convert
