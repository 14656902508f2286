#include "registry/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace tandem::registry {
namespace {

// OpenSSL's EVP digest (libcrypto, already beside cpp-httplib): not our own crypto.
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

std::optional<std::string> sha256_hex(std::string s) {
  if (s.size() != 64 ||
      !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; }))
    return std::nullopt;
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 is not available (libcrypto)");
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error("reading " + path.string() + " failed");
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md.data(), &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 0xF];
  }
  return hex;
}

std::optional<std::string> sha256_sidecar(const std::filesystem::path& path) {
  const std::filesystem::path side = path.string() + ".sha256";
  std::ifstream in(side);
  if (!in) return std::nullopt;
  std::string hex;
  in >> hex;  // "HEX  name" or "HEX": the first word
  auto digest = sha256_hex(std::move(hex));
  if (!digest)
    throw std::runtime_error(side.string() + " does not start with a SHA-256 hex digest");
  return digest;
}

}  // namespace tandem::registry
