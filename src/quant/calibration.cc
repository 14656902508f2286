#include "quant/calibration.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tandem::quant {

std::string fnv1a64_hex(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return fmt::format("{:016x}", h);
}

Calibration load_calibration(const std::string& path, const engine::Model& model, int64_t n_tokens,
                             int32_t ctx) {
  if (ctx < 2) throw std::invalid_argument("calibration chunk size must be at least 2");
  if (n_tokens < ctx)
    throw std::invalid_argument(
        fmt::format("--calib-tokens {} is less than one chunk of {}", n_tokens, ctx));
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot read calibration text");
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  Calibration c;
  c.path = path;
  c.hash = "fnv1a64:" + fnv1a64_hex(text);
  const auto& tok = model.tokenizer();
  const auto tokens = tok.encode(text, /*add_special=*/true, false);
  if (static_cast<int64_t>(tokens.size()) < n_tokens)
    throw std::runtime_error(
        fmt::format("{}: calibration text too short: {} tokens, need at least {} (--calib-tokens)",
                    path, tokens.size(), n_tokens));
  const int64_t n_chunks = n_tokens / ctx;
  for (int64_t i = 0; i < n_chunks; ++i) {
    std::vector<tokenizer::TokenId> chunk(tokens.begin() + i * ctx, tokens.begin() + (i + 1) * ctx);
    if (tok.adds_bos()) chunk[0] = tok.bos();  // each chunk read as the start of a text
    c.chunks.push_back(std::move(chunk));
  }
  c.n_tokens = n_chunks * ctx;
  return c;
}

}  // namespace tandem::quant
