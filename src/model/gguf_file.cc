#include "model/gguf_file.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <limits>

#include "model/gguf_shards.h"
#include "model/gguf_split.h"
#include "model/mapped_file.h"

namespace tandem::model {

struct GgufFile::Mapping {
  explicit Mapping(const std::string& path) : file(path) {}
  MappedFile file;
};

void GgufFile::release_pages(const uint8_t* p, size_t n) const {
  if (!mapping_ || n == 0) return;
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  // Whole pages inside the range only: neighbouring tensors may share its edge pages.
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + page - 1) / page * page;
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) / page * page;
  if (end > begin)
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);  // advisory
}

namespace {

constexpr int kMaxArrayDepth = 8;  // nested arrays deeper than this are surely corrupt
constexpr uint32_t kMaxDims = 4;   // GGML_MAX_DIMS

// Bounds-checked little-endian reader over the file image; every failure names what was read.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> bytes, const GgufFile& file) : bytes_(bytes), file_(file) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  template <typename T>
  T read(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string read_string(const char* what) {
    const uint64_t n = read<uint64_t>(what);
    if (n > remaining())
      throw file_.error(std::string("truncated file: ") + what + " of " + std::to_string(n) +
                        " bytes runs past the end at offset " + std::to_string(pos_));
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return s;
  }

  void need(size_t n, const char* what) const {
    if (n > remaining())
      throw file_.error(std::string("truncated file: cannot read ") + what + " at offset " +
                        std::to_string(pos_) + " (file is " + std::to_string(bytes_.size()) +
                        " bytes)");
  }

 private:
  std::span<const uint8_t> bytes_;
  const GgufFile& file_;
  size_t pos_ = 0;
};

size_t min_encoded_size(GgufValueType t) {
  switch (t) {
    case GgufValueType::UINT8:
    case GgufValueType::INT8:
    case GgufValueType::BOOL:
      return 1;
    case GgufValueType::UINT16:
    case GgufValueType::INT16:
      return 2;
    case GgufValueType::UINT32:
    case GgufValueType::INT32:
    case GgufValueType::FLOAT32:
      return 4;
    case GgufValueType::UINT64:
    case GgufValueType::INT64:
    case GgufValueType::FLOAT64:
    case GgufValueType::STRING:
      return 8;  // string: its length field
    case GgufValueType::ARRAY:
      return 12;  // element type + count
  }
  return 1;
}

bool valid_value_type(uint32_t t) {
  return t <= static_cast<uint32_t>(GgufValueType::FLOAT64);
}

GgufValue read_value(Cursor& c, GgufValueType type, const GgufFile& file, const std::string& key,
                     int depth) {
  switch (type) {
    case GgufValueType::UINT8:
      return GgufValue(c.read<uint8_t>("u8 value"));
    case GgufValueType::INT8:
      return GgufValue(c.read<int8_t>("i8 value"));
    case GgufValueType::UINT16:
      return GgufValue(c.read<uint16_t>("u16 value"));
    case GgufValueType::INT16:
      return GgufValue(c.read<int16_t>("i16 value"));
    case GgufValueType::UINT32:
      return GgufValue(c.read<uint32_t>("u32 value"));
    case GgufValueType::INT32:
      return GgufValue(c.read<int32_t>("i32 value"));
    case GgufValueType::FLOAT32:
      return GgufValue(c.read<float>("f32 value"));
    case GgufValueType::UINT64:
      return GgufValue(c.read<uint64_t>("u64 value"));
    case GgufValueType::INT64:
      return GgufValue(c.read<int64_t>("i64 value"));
    case GgufValueType::FLOAT64:
      return GgufValue(c.read<double>("f64 value"));
    case GgufValueType::BOOL: {
      const uint8_t b = c.read<uint8_t>("bool value");
      if (b > 1) throw file.error("metadata '" + key + "': invalid bool byte " + std::to_string(b));
      return GgufValue(b != 0);
    }
    case GgufValueType::STRING:
      return GgufValue(c.read_string("string value"));
    case GgufValueType::ARRAY: {
      if (depth >= kMaxArrayDepth)
        throw file.error("metadata '" + key + "': arrays nested deeper than " +
                         std::to_string(kMaxArrayDepth));
      const uint32_t et = c.read<uint32_t>("array element type");
      if (!valid_value_type(et))
        throw file.error("metadata '" + key + "': unknown array element type " +
                         std::to_string(et));
      const auto elem = static_cast<GgufValueType>(et);
      const uint64_t n = c.read<uint64_t>("array length");
      // Reject counts the rest of the file can't hold before allocating for them.
      if (n > c.remaining() / min_encoded_size(elem))
        throw file.error("truncated file: metadata '" + key + "' declares " + std::to_string(n) +
                         " array elements, more than the file holds");
      std::vector<GgufValue> items;
      items.reserve(n);
      for (uint64_t i = 0; i < n; ++i) items.push_back(read_value(c, elem, file, key, depth + 1));
      return GgufValue::array(elem, std::move(items));
    }
  }
  throw file.error("metadata '" + key + "': unknown value type " +
                   std::to_string(static_cast<uint32_t>(type)));
}

}  // namespace

int64_t GgufTensorInfo::n_elements() const {
  int64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

GgufFile GgufFile::open(const std::string& path) {
  GgufFile f = open_single(path);
  auto shards = open_other_shards(f);
  if (!shards.empty()) f.adopt_shards(std::move(shards));
  return f;
}

void GgufFile::adopt_shards(std::vector<GgufFile> shards) {
  for (size_t i = 0; i < shards.size(); ++i) {
    GgufFile& s = shards[i];
    for (GgufTensorInfo& t : s.tensors_) {
      if (auto it = tensor_index_.find(t.name); it != tensor_index_.end())
        throw s.error("tensor '" + t.name + "' is also in " +
                      shard_path(tensors_[it->second].shard) +
                      ": the shards are not of one split model");
      t.shard = static_cast<uint16_t>(i + 1);
      tensor_index_.emplace(t.name, tensors_.size());
      tensors_.push_back(t);  // `data` keeps pointing into s's mapping, which shards_ keeps
    }
    shards_.push_back(std::move(s));
  }
  const int64_t expected = get_int(split::kTensorsCount);
  if (static_cast<int64_t>(tensors_.size()) != expected)
    throw error(std::string(split::kTensorsCount) + " is " + std::to_string(expected) +
                " but the " + std::to_string(shard_count()) + " shards hold " +
                std::to_string(tensors_.size()) + " tensors");
}

size_t GgufFile::total_size() const {
  size_t n = bytes_.size();
  for (const auto& s : shards_) n += s.bytes_.size();
  return n;
}

GgufFile GgufFile::open_single(const std::string& path) {
  GgufFile f;
  f.path_ = path;
  f.mapping_ = std::make_unique<Mapping>(path);
  f.bytes_ = f.mapping_->file.bytes();
  f.parse();
  return f;
}

GgufFile GgufFile::from_bytes(std::vector<uint8_t> bytes, std::string name) {
  GgufFile f;
  f.path_ = std::move(name);
  f.owned_ = std::move(bytes);
  f.bytes_ = std::span<const uint8_t>(f.owned_);
  f.parse();
  return f;
}

ModelFileError GgufFile::error(const std::string& message) const {
  // Names and keys come from the file: escape control characters so the message stays one line.
  std::string out = path_ + ": ";
  for (const char ch : message) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x20 && u != 0x7f) {
      out += ch;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return ModelFileError(out);
}

void GgufFile::parse() {
  Cursor c(bytes_, *this);
  if (bytes_.size() < 4)
    throw error("truncated file: too short to be GGUF (" + std::to_string(bytes_.size()) +
                " bytes)");
  const uint32_t magic = c.read<uint32_t>("magic");
  if (magic != kMagic) {
    char m[5] = {};
    std::memcpy(m, &magic, 4);
    for (auto& ch : m)
      if (ch && (ch < 32 || ch > 126)) ch = '?';
    throw error(std::string("bad magic '") + m + "': not a GGUF file");
  }
  version_ = c.read<uint32_t>("version");
  if (version_ != 2 && version_ != 3)
    throw error("unsupported GGUF version " + std::to_string(version_) + " (supported: 2, 3)");
  const uint64_t n_tensors = c.read<uint64_t>("tensor count");
  const uint64_t n_kv = c.read<uint64_t>("metadata count");
  // Each key-value needs >= 12 bytes and each tensor info >= 24: bound counts by file size.
  if (n_kv > c.remaining() / 12)
    throw error("truncated file: declares " + std::to_string(n_kv) + " metadata entries");
  if (n_tensors > c.remaining() / 24)
    throw error("truncated file: declares " + std::to_string(n_tensors) + " tensors");

  metadata_.reserve(n_kv);
  for (uint64_t i = 0; i < n_kv; ++i) {
    std::string key = c.read_string("metadata key");
    const uint32_t t = c.read<uint32_t>("metadata value type");
    if (!valid_value_type(t))
      throw error("metadata '" + key + "': unknown value type " + std::to_string(t));
    GgufValue v = read_value(c, static_cast<GgufValueType>(t), *this, key, 0);
    if (metadata_index_.count(key)) throw error("duplicate metadata key '" + key + "'");
    metadata_index_.emplace(key, metadata_.size());
    metadata_.emplace_back(std::move(key), std::move(v));
  }

  if (const GgufValue* a = find("general.alignment")) {
    if (a->type() != GgufValueType::UINT32)
      throw error("general.alignment must be u32, found " +
                  std::string(value_type_name(a->type())));
    const int64_t al = a->as_int();
    if (al <= 0 || (al & (al - 1)) != 0)
      throw error("general.alignment " + std::to_string(al) + " is not a power of two");
    alignment_ = static_cast<size_t>(al);
  }

  tensors_.reserve(n_tensors);
  for (uint64_t i = 0; i < n_tensors; ++i) {
    GgufTensorInfo ti;
    ti.name = c.read_string("tensor name");
    const uint32_t n_dims = c.read<uint32_t>("tensor dimension count");
    if (n_dims > kMaxDims)
      throw error("tensor '" + ti.name + "' has " + std::to_string(n_dims) +
                  " dimensions (at most 4)");
    int64_t n_el = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      const uint64_t dim = c.read<uint64_t>("tensor dimension");
      if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
          (dim != 0 && n_el > std::numeric_limits<int64_t>::max() / static_cast<int64_t>(dim)))
        throw error("tensor '" + ti.name + "': dimensions overflow");
      ti.dims.push_back(static_cast<int64_t>(dim));
      n_el *= static_cast<int64_t>(dim);
    }
    const uint32_t type = c.read<uint32_t>("tensor type");
    const auto tr = ggml_type_traits(type);
    if (!tr) throw error("tensor '" + ti.name + "' has unknown type " + std::to_string(type));
    ti.type = static_cast<GgmlType>(type);
    ti.offset = c.read<uint64_t>("tensor offset");
    if (ti.row_length() % tr->block_size != 0)
      throw error("tensor '" + ti.name + "': row length " + std::to_string(ti.row_length()) +
                  " is not a multiple of " + std::string(tr->name) + "'s block size " +
                  std::to_string(tr->block_size));
    const uint64_t blocks = static_cast<uint64_t>(n_el / tr->block_size);
    if (blocks > std::numeric_limits<uint64_t>::max() / tr->block_bytes)
      throw error("tensor '" + ti.name + "': size overflows");
    ti.nbytes = blocks * tr->block_bytes;
    if (ti.offset % alignment_ != 0)
      throw error("tensor '" + ti.name + "': offset " + std::to_string(ti.offset) +
                  " is not a multiple of the alignment " + std::to_string(alignment_));
    if (tensor_index_.count(ti.name)) throw error("duplicate tensor name '" + ti.name + "'");
    tensor_index_.emplace(ti.name, tensors_.size());
    tensors_.push_back(std::move(ti));
  }

  const size_t data_start = (c.pos() + alignment_ - 1) / alignment_ * alignment_;
  if (data_start > bytes_.size() && !tensors_.empty())
    throw error("truncated file: tensor data section starts past the end");
  const size_t data_size = bytes_.size() > data_start ? bytes_.size() - data_start : 0;
  for (auto& ti : tensors_) {
    if (ti.offset > data_size || ti.nbytes > data_size - ti.offset)
      throw error("tensor '" + ti.name + "': data [" + std::to_string(ti.offset) + ", +" +
                  std::to_string(ti.nbytes) + ") lies outside the file's data section of " +
                  std::to_string(data_size) + " bytes (truncated file?)");
    ti.data = bytes_.data() + data_start + ti.offset;
  }
}

const GgufValue* GgufFile::find(std::string_view key) const {
  auto it = metadata_index_.find(std::string(key));
  return it == metadata_index_.end() ? nullptr : &metadata_[it->second].second;
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
  auto it = tensor_index_.find(std::string(name));
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufTensorInfo& GgufFile::tensor(std::string_view name) const {
  if (const auto* t = find_tensor(name)) return *t;
  throw error("missing tensor '" + std::string(name) + "'");
}

namespace {
template <typename F>
auto typed_get(const GgufFile& f, std::string_view key, F&& convert) {
  const GgufValue* v = f.find(key);
  if (!v) throw f.error("missing metadata key '" + std::string(key) + "'");
  try {
    return convert(*v);
  } catch (const std::invalid_argument& e) {
    throw f.error("metadata '" + std::string(key) + "': " + e.what());
  }
}
}  // namespace

std::string GgufFile::get_string(std::string_view key) const {
  return typed_get(*this, key, [](const GgufValue& v) { return v.as_string(); });
}
int64_t GgufFile::get_int(std::string_view key) const {
  return typed_get(*this, key, [](const GgufValue& v) { return v.as_int(); });
}
double GgufFile::get_double(std::string_view key) const {
  return typed_get(*this, key, [](const GgufValue& v) { return v.as_double(); });
}
bool GgufFile::get_bool(std::string_view key) const {
  return typed_get(*this, key, [](const GgufValue& v) { return v.as_bool(); });
}
std::string GgufFile::get_string(std::string_view key, std::string def) const {
  return has(key) ? get_string(key) : def;
}
int64_t GgufFile::get_int(std::string_view key, int64_t def) const {
  return has(key) ? get_int(key) : def;
}
double GgufFile::get_double(std::string_view key, double def) const {
  return has(key) ? get_double(key) : def;
}
bool GgufFile::get_bool(std::string_view key, bool def) const {
  return has(key) ? get_bool(key) : def;
}

}  // namespace tandem::model
