#include "cache/kv_file.h"

#include <array>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace tandem::cache {
namespace {

constexpr std::array<char, 8> kMagic = {'T', 'N', 'D', 'M', 'K', 'V', 'C', '\0'};

// FNV-1a over 8-byte words (then the tail bytes): fast enough for tens of MiB of KV, and
// enough to catch a torn or edited file (this is not a defence against forgery).
class Checksum {
 public:
  void add(const void* data, size_t n) {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < n; ++i) {
      word_ |= static_cast<uint64_t>(p[i]) << (8 * fill_);
      if (++fill_ == 8) flush();
    }
  }
  uint64_t value() {
    if (fill_) flush();
    return h_;
  }

 private:
  void flush() {
    h_ = (h_ ^ word_) * 0x100000001b3ull;
    h_ ^= h_ >> 29;
    word_ = 0;
    fill_ = 0;
  }
  uint64_t h_ = 0xcbf29ce484222325ull;
  uint64_t word_ = 0;
  int fill_ = 0;
};

class Writer {
 public:
  explicit Writer(const std::filesystem::path& p) : out_(p, std::ios::binary | std::ios::trunc) {
    if (!out_) throw std::runtime_error("cannot write " + p.string());
  }
  void put(const void* data, size_t n) {
    sum_.add(data, n);
    out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  }
  void finish(const std::filesystem::path& p) {
    const uint64_t s = sum_.value();
    out_.write(reinterpret_cast<const char*>(&s), sizeof s);
    out_.close();
    if (!out_) throw std::runtime_error("cannot write " + p.string() + " (disk full?)");
  }

 private:
  std::ofstream out_;
  Checksum sum_;
};

class Reader {
 public:
  explicit Reader(const std::filesystem::path& p) : path_(p), in_(p, std::ios::binary) {
    if (!in_) throw std::runtime_error("cannot open " + p.string());
  }
  void get(void* data, size_t n) {
    in_.read(static_cast<char*>(data), static_cast<std::streamsize>(n));
    if (static_cast<size_t>(in_.gcount()) != n) fail("it is truncated");
    sum_.add(data, n);
  }
  uint64_t checksum() { return sum_.value(); }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("cache file " + path_.string() + ": " + why);
  }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  Checksum sum_;
};

nlohmann::json header_json(const KvFileHeader& h) {
  return {{"id", h.id},
          {"tags", h.tags},
          {"created_at", h.created_at},
          {"expires_at", h.expires_at},
          {"model_key", h.model_key},
          {"layout", h.layout},
          {"n_tokens", h.n_tokens},
          {"n_nll", h.n_nll},
          {"kv_bytes", h.kv_bytes}};
}

}  // namespace

void write_kv_file(const std::filesystem::path& path, const KvFileHeader& header,
                   const KvState& state) {
  KvFileHeader h = header;
  h.n_tokens = state.tokens.size();
  h.n_nll = state.nll.size();
  h.kv_bytes = state.kv.size();
  h.layout = state.layout;
  const std::string head = header_json(h).dump();
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    Writer w(tmp);
    w.put(kMagic.data(), kMagic.size());
    const uint32_t version = kKvFileVersion, len = static_cast<uint32_t>(head.size());
    w.put(&version, sizeof version);
    w.put(&len, sizeof len);
    w.put(head.data(), head.size());
    w.put(state.tokens.data(), state.tokens.size() * sizeof(int32_t));
    w.put(state.nll.data(), state.nll.size() * sizeof(double));
    w.put(state.kv.data(), state.kv.size());
    w.finish(tmp);
  }
  std::filesystem::rename(tmp, path);
}

KvFile read_kv_file(const std::filesystem::path& path, bool header_only) {
  Reader r(path);
  std::array<char, 8> magic{};
  r.get(magic.data(), magic.size());
  if (magic != kMagic) r.fail("not a Tandem KV cache file");
  uint32_t version = 0, len = 0;
  r.get(&version, sizeof version);
  if (version != kKvFileVersion)
    r.fail("format version " + std::to_string(version) + ", this build reads " +
           std::to_string(kKvFileVersion));
  r.get(&len, sizeof len);
  if (len > (1u << 20)) r.fail("its header is implausibly large");
  std::string head(len, '\0');
  r.get(head.data(), len);
  KvFile f;
  try {
    const auto j = nlohmann::json::parse(head);
    KvFileHeader& h = f.header;
    h.id = j.at("id").get<std::string>();
    h.tags = j.at("tags").get<std::vector<std::string>>();
    h.created_at = j.at("created_at").get<int64_t>();
    h.expires_at = j.at("expires_at").get<int64_t>();
    h.model_key = j.at("model_key").get<std::string>();
    h.layout = j.at("layout").get<std::string>();
    h.n_tokens = j.at("n_tokens").get<uint64_t>();
    h.n_nll = j.at("n_nll").get<uint64_t>();
    h.kv_bytes = j.at("kv_bytes").get<uint64_t>();
  } catch (const std::exception& e) {
    r.fail(std::string("bad header: ") + e.what());
  }
  const KvFileHeader& h = f.header;
  const uint64_t expected = 8 + 8 + len + h.n_tokens * 4 + h.n_nll * 8 + h.kv_bytes + 8;
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) != expected)
    r.fail("its size does not match its header (torn write?)");
  if (header_only) return f;
  auto s = std::make_shared<KvState>();
  s->tokens.resize(h.n_tokens);
  s->nll.resize(h.n_nll);
  s->kv.resize(h.kv_bytes);
  s->layout = h.layout;
  r.get(s->tokens.data(), s->tokens.size() * sizeof(int32_t));
  r.get(s->nll.data(), s->nll.size() * sizeof(double));
  r.get(s->kv.data(), s->kv.size());
  const uint64_t want = r.checksum();
  uint64_t got = 0;
  r.get(&got, sizeof got);
  if (got != want) r.fail("checksum mismatch (the file is corrupt)");
  f.state = std::move(s);
  return f;
}

}  // namespace tandem::cache
