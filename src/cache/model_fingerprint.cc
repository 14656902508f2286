#include "cache/model_fingerprint.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace tandem::cache {

std::string model_fingerprint(const std::filesystem::path& model_file) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(model_file, ec);
  if (ec) throw std::runtime_error("cannot read " + model_file.string() + ": " + ec.message());
  std::ifstream in(model_file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + model_file.string());
  uint64_t h = 0xcbf29ce484222325ull ^ size;
  std::vector<char> buf;
  auto sample = [&](uint64_t offset, uint64_t n) {
    n = std::min(n, size - std::min(size, offset));
    buf.resize(n);
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(buf.data(), static_cast<std::streamsize>(n));
    for (char c : buf) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  };
  sample(0, 1u << 20);
  for (uint64_t i = 0; i < 32; ++i) sample(size / 32 * i, 64u << 10);
  if (!in) throw std::runtime_error("cannot read " + model_file.string());
  return fmt::format("{:016x}", h);
}

}  // namespace tandem::cache
