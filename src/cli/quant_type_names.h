// llama-quantize's type names (Q4_K_M, Q8_0, F16, ... or their llama_ftype numbers) mapped
// to what Tandem's quantizer writes, so `tandem quantize IN OUT Q4_K_M` works as
// `llama-quantize IN OUT Q4_K_M` does.
#pragma once

#include <string>

#include "model/ggml_types.h"

namespace tandem::cli {

struct QuantTarget {
  model::GgmlType type;
  // Empty when the name is exactly that type; otherwise how Tandem's file differs from
  // llama.cpp's mix of that name (printed to stderr).
  std::string note;
  // A llama-quantize mix the quantizer rebuilds for the model ("Q4_K_M"); empty: uniform.
  std::string preset;
};

// Case-insensitive; accepts llama-quantize's names and numbers and Tandem's own lower-case
// type names (q4_0, q4_k, ...). Throws std::invalid_argument naming the supported types for
// anything else, including llama.cpp types Tandem cannot write (Q5_K_M, IQ2_XS, ...).
QuantTarget parse_quant_type(const std::string& name);

// "F32, F16, BF16, Q8_0, ..." for help text and errors.
std::string supported_quant_types();

}  // namespace tandem::cli
