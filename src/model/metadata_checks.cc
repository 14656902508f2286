#include "model/metadata_checks.h"

#include <fmt/format.h>

#include <cmath>

#include "model/gguf_file.h"

namespace tandem::model {

int64_t int_in_range(const GgufFile& f, std::string_view key, int64_t lo, int64_t hi,
                     std::optional<int64_t> fallback) {
  if (fallback && !f.has(key)) return *fallback;
  const int64_t v = f.get_int(key);
  if (v < lo || v > hi)
    throw f.error(fmt::format("{} = {} is invalid: it must be between {} and {}", key, v, lo, hi));
  return v;
}

double finite_positive(const GgufFile& f, std::string_view key, double fallback, double below) {
  const double v = f.get_double(key, fallback);
  if (!std::isfinite(v) || v <= 0 || v >= below)
    throw f.error(fmt::format("{} = {} is invalid: it must be a finite number above 0{}", key, v,
                              std::isinf(below) ? "" : fmt::format(" and below {}", below)));
  return v;
}

void check_special_token_ids(const GgufFile& f, int64_t n_vocab) {
  constexpr std::string_view kPrefix = "tokenizer.ggml.", kSuffix = "_token_id";
  for (const auto& [key, value] : f.metadata()) {
    if (!key.starts_with(kPrefix) || !key.ends_with(kSuffix)) continue;
    if (key == "tokenizer.ggml.unknown_token_id" || key == "tokenizer.ggml.padding_token_id")
      continue;
    const int64_t id = f.get_int(key);
    if (id == -1 || id == 0xFFFFFFFF) continue;  // -1 as int32 or uint32: "no such token"
    if (id < 0 || id >= n_vocab)
      throw f.error(
          fmt::format("{} = {} is outside the vocabulary of {} tokens", key, id, n_vocab));
  }
}

}  // namespace tandem::model
