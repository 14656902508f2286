// Calibration text: read, tokenized with the model's tokenizer, cut into chunks that each
// start with BOS, and hashed so the output file records what it was calibrated on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model.h"

namespace tandem::quant {

struct Calibration {
  std::string path;
  std::string hash;      // "fnv1a64:<16 hex digits>" of the file's bytes
  int64_t n_tokens = 0;  // tokens used (n_chunks × ctx)
  std::vector<std::vector<tokenizer::TokenId>> chunks;
};

// FNV-1a, 64-bit, as 16 lowercase hex digits.
std::string fnv1a64_hex(const std::string& bytes);

// Uses the first n_tokens tokens of the file in chunks of ctx. Throws std::runtime_error
// naming the file when it cannot be read or holds fewer than n_tokens tokens.
Calibration load_calibration(const std::string& path, const engine::Model& model, int64_t n_tokens,
                             int32_t ctx);

}  // namespace tandem::quant
