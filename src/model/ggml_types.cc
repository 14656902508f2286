#include "model/ggml_types.h"

#include <array>
#include <cctype>
#include <stdexcept>
#include <string>

namespace tandem::model {
namespace {

struct Entry {
  uint32_t id;
  GgmlTypeTraits traits;
};

// Block sizes and byte counts as ggml defines them (ggml-common.h).
constexpr std::array kTypes = {
    Entry{0, {"F32", 1, 4}},         Entry{1, {"F16", 1, 2}},
    Entry{2, {"Q4_0", 32, 18}},      Entry{3, {"Q4_1", 32, 20}},
    Entry{6, {"Q5_0", 32, 22}},      Entry{7, {"Q5_1", 32, 24}},
    Entry{8, {"Q8_0", 32, 34}},      Entry{9, {"Q8_1", 32, 36}},
    Entry{10, {"Q2_K", 256, 84}},    Entry{11, {"Q3_K", 256, 110}},
    Entry{12, {"Q4_K", 256, 144}},   Entry{13, {"Q5_K", 256, 176}},
    Entry{14, {"Q6_K", 256, 210}},   Entry{15, {"Q8_K", 256, 292}},
    Entry{16, {"IQ2_XXS", 256, 66}}, Entry{17, {"IQ2_XS", 256, 74}},
    Entry{18, {"IQ3_XXS", 256, 98}}, Entry{19, {"IQ1_S", 256, 50}},
    Entry{20, {"IQ4_NL", 32, 18}},   Entry{21, {"IQ3_S", 256, 110}},
    Entry{22, {"IQ2_S", 256, 82}},   Entry{23, {"IQ4_XS", 256, 136}},
    Entry{24, {"I8", 1, 1}},         Entry{25, {"I16", 1, 2}},
    Entry{26, {"I32", 1, 4}},        Entry{27, {"I64", 1, 8}},
    Entry{28, {"F64", 1, 8}},        Entry{29, {"IQ1_M", 256, 56}},
    Entry{30, {"BF16", 1, 2}},       Entry{34, {"TQ1_0", 256, 54}},
    Entry{35, {"TQ2_0", 256, 66}},   Entry{39, {"MXFP4", 32, 17}},
};

}  // namespace

std::optional<GgmlTypeTraits> ggml_type_traits(uint32_t type) {
  for (const auto& e : kTypes)
    if (e.id == type) return e.traits;
  return std::nullopt;
}

const GgmlTypeTraits& traits(GgmlType type) {
  for (const auto& e : kTypes)
    if (e.id == static_cast<uint32_t>(type)) return e.traits;
  throw std::invalid_argument("unknown ggml type " + std::to_string(static_cast<uint32_t>(type)));
}

std::string_view type_name(GgmlType type) {
  return traits(type).name;
}

GgmlType parse_type_name(std::string_view name) {
  std::string upper(name);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string known;
  for (const auto& e : kTypes) {
    if (e.traits.name == upper) return static_cast<GgmlType>(e.id);
    known += (known.empty() ? "" : ", ") + std::string(e.traits.name);
  }
  throw std::invalid_argument("unknown tensor type '" + std::string(name) + "' (known: " + known +
                              ")");
}

size_t row_bytes(GgmlType type, int64_t n) {
  const auto& t = traits(type);
  if (n < 0 || n % t.block_size != 0)
    throw std::invalid_argument("row of " + std::to_string(n) + " elements is not a multiple of " +
                                std::string(t.name) + "'s block size " +
                                std::to_string(t.block_size));
  return static_cast<size_t>(n / t.block_size) * t.block_bytes;
}

}  // namespace tandem::model
