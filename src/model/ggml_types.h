// ggml tensor types as numbered in GGUF files, with their block geometry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tandem::model {

enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
};

struct GgmlTypeTraits {
  std::string_view name;
  int64_t block_size;  // elements per block
  size_t block_bytes;  // bytes per block
};

// Geometry of a type known to the GGUF format; nullopt for numbers no ggml version defines.
std::optional<GgmlTypeTraits> ggml_type_traits(uint32_t type);
// Geometry of a known type (throws std::invalid_argument for an unknown one).
const GgmlTypeTraits& traits(GgmlType type);
std::string_view type_name(GgmlType type);
// Parses "Q4_0", "q4_0", "f16", ... (throws std::invalid_argument naming the accepted ones).
GgmlType parse_type_name(std::string_view name);
// Bytes of one row of n elements; throws std::invalid_argument if n is not a multiple of the block.
size_t row_bytes(GgmlType type, int64_t n);

}  // namespace tandem::model
