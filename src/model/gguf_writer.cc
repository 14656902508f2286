#include "model/gguf_writer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "model/gguf_file.h"

namespace tandem::model {
namespace {

class Sink {
 public:
  explicit Sink(std::vector<uint8_t>& out) : out_(out) {}
  template <typename T>
  void put(T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void put_string(const std::string& s) {
    put<uint64_t>(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void pad_to(size_t alignment) {
    while (out_.size() % alignment) out_.push_back(0);
  }

 private:
  std::vector<uint8_t>& out_;
};

void put_value(Sink& s, const GgufValue& v) {
  std::visit(
      [&s](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          s.put_string(x);
        } else if constexpr (std::is_same_v<T, GgufArray>) {
          s.put<uint32_t>(static_cast<uint32_t>(x.element_type));
          s.put<uint64_t>(x.items.size());
          for (const auto& item : x.items) {
            if (item.type() != x.element_type)
              throw std::invalid_argument("GGUF array holds mixed element types");
            put_value(s, item);  // a nested array writes its own type and count
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          s.put<uint8_t>(x ? 1 : 0);
        } else {
          s.put<T>(x);
        }
      },
      v.storage());
}

size_t padded(size_t n, size_t align) {
  return (n + align - 1) / align * align;
}

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue value) {
  for (auto& [k, v] : kv_)
    if (k == key) {
      v = std::move(value);
      return;
    }
  kv_.emplace_back(key, std::move(value));
}

void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& v) {
  std::vector<GgufValue> items;
  items.reserve(v.size());
  for (const auto& s : v) items.emplace_back(s);
  set(key, GgufValue::array(GgufValueType::STRING, std::move(items)));
}

void GgufWriter::set_f32_array(const std::string& key, const std::vector<float>& v) {
  std::vector<GgufValue> items;
  items.reserve(v.size());
  for (float f : v) items.emplace_back(f);
  set(key, GgufValue::array(GgufValueType::FLOAT32, std::move(items)));
}

void GgufWriter::set_i32_array(const std::string& key, const std::vector<int32_t>& v) {
  std::vector<GgufValue> items;
  items.reserve(v.size());
  for (int32_t i : v) items.emplace_back(i);
  set(key, GgufValue::array(GgufValueType::INT32, std::move(items)));
}

void GgufWriter::check_new_tensor(const std::string& name, GgmlType type,
                                  const std::vector<int64_t>& dims, size_t* nbytes) const {
  for (const auto& t : tensors_)
    if (t.name == name) throw std::invalid_argument("duplicate tensor name '" + name + "'");
  if (dims.empty() || dims.size() > 4)
    throw std::invalid_argument("tensor '" + name + "' must have 1 to 4 dimensions");
  int64_t n = 1;
  for (auto d : dims) {
    if (d < 0) throw std::invalid_argument("tensor '" + name + "' has a negative dimension");
    n *= d;
  }
  *nbytes = row_bytes(type, dims[0]) * static_cast<size_t>(dims[0] ? n / dims[0] : 0);
}

void GgufWriter::add_tensor(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                            std::span<const uint8_t> data) {
  size_t nbytes = 0;
  check_new_tensor(name, type, dims, &nbytes);
  if (data.size() != nbytes)
    throw std::invalid_argument("tensor '" + name + "': " + std::to_string(data.size()) +
                                " bytes given, " + std::to_string(nbytes) + " expected");
  tensors_.push_back({name, type, std::move(dims), {data.begin(), data.end()}, nbytes, {}});
}

void GgufWriter::add_tensor_lazy(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                                 Filler fill) {
  size_t nbytes = 0;
  check_new_tensor(name, type, dims, &nbytes);
  tensors_.push_back({name, type, std::move(dims), {}, nbytes, std::move(fill)});
}

std::vector<uint8_t> GgufWriter::Tensor::bytes() const {
  if (!fill) return data;
  std::vector<uint8_t> out(nbytes, 0);
  fill(out);
  return out;
}

size_t GgufWriter::alignment() const {
  for (const auto& [k, v] : kv_)
    if (k == "general.alignment") return static_cast<size_t>(v.as_int());
  return GgufFile::kDefaultAlignment;
}

std::vector<uint8_t> GgufWriter::header_bytes() const {
  const size_t align = alignment();
  std::vector<uint8_t> out;
  Sink s(out);
  s.put<uint32_t>(GgufFile::kMagic);
  s.put<uint32_t>(3);
  s.put<uint64_t>(tensors_.size());
  s.put<uint64_t>(kv_.size());
  for (const auto& [k, v] : kv_) {
    s.put_string(k);
    s.put<uint32_t>(static_cast<uint32_t>(v.type()));
    put_value(s, v);
  }
  uint64_t offset = 0;
  for (const auto& t : tensors_) {
    s.put_string(t.name);
    s.put<uint32_t>(static_cast<uint32_t>(t.dims.size()));
    for (auto d : t.dims) s.put<uint64_t>(static_cast<uint64_t>(d));
    s.put<uint32_t>(static_cast<uint32_t>(t.type));
    s.put<uint64_t>(offset);
    offset += padded(t.nbytes, align);
  }
  s.pad_to(align);
  return out;
}

std::vector<uint8_t> GgufWriter::to_bytes() const {
  const size_t align = alignment();
  std::vector<uint8_t> out = header_bytes();
  for (const auto& t : tensors_) {
    const auto b = t.bytes();
    out.insert(out.end(), b.begin(), b.end());
    out.resize(padded(out.size(), align), 0);
  }
  return out;
}

void GgufWriter::write(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  const size_t align = alignment();
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw ModelFileError(path + ": cannot create " + tmp);
    const auto header = header_bytes();
    f.write(reinterpret_cast<const char*>(header.data()),
            static_cast<std::streamsize>(header.size()));
    static const char zeros[64] = {};
    for (const auto& t : tensors_) {
      const auto b = t.bytes();
      f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
      size_t pad = padded(b.size(), align) - b.size();
      while (pad > 0) {
        const size_t k = std::min(pad, sizeof(zeros));
        f.write(zeros, static_cast<std::streamsize>(k));
        pad -= k;
      }
    }
    f.flush();
    if (!f) {
      f.close();
      std::filesystem::remove(tmp);
      throw ModelFileError(path + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw ModelFileError(path + ": cannot rename from " + tmp + ": " + ec.message());
}

}  // namespace tandem::model
