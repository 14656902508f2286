#include "cli/quant_type_names.h"

#include <array>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace tandem::cli {
namespace {

using model::GgmlType;

struct Entry {
  std::string_view name;
  int ftype;  // llama.cpp's llama_ftype number, accepted in place of the name
  GgmlType type;
  std::string_view note;
};

// Only types tandem::quant can write. Q4_K_M is rebuilt as llama.cpp's mix (quant/presets.h);
// Q4_K_S would need Q5_K, which the quantizer cannot write, so it stays uniform Q4_K.
constexpr std::array<Entry, 14> kTypes{{
    {"F32", 0, GgmlType::F32, ""},
    {"F16", 1, GgmlType::F16, ""},
    {"BF16", 32, GgmlType::BF16, ""},
    {"Q8_0", 7, GgmlType::Q8_0, ""},
    {"Q6_K", 18, GgmlType::Q6_K, ""},
    {"Q5_0", 8, GgmlType::Q5_0, ""},
    {"Q4_K_M", 15, GgmlType::Q4_K, ""},
    {"Q4_K_S", 14, GgmlType::Q4_K, "Q4_K_S -> Q4_K for every matrix"},
    {"Q4_K", -1, GgmlType::Q4_K, ""},
    {"Q4_1", 3, GgmlType::Q4_1, ""},
    {"Q4_0", 2, GgmlType::Q4_0, ""},
    {"IQ4_XS", 30, GgmlType::IQ4_XS, ""},
    {"Q3_K", -1, GgmlType::Q3_K, ""},
    {"Q2_K", 10, GgmlType::Q2_K, "Q2_K -> Q2_K for every matrix (llama-quantize mixes in Q4_K)"},
}};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string supported_quant_types() {
  std::string out;
  for (const auto& e : kTypes) {
    if (!out.empty()) out += ", ";
    out += e.name;
  }
  return out;
}

QuantTarget parse_quant_type(const std::string& name) {
  const std::string key = upper(name);
  for (const auto& e : kTypes) {
    if (key == e.name || (e.ftype >= 0 && key == std::to_string(e.ftype)))
      return {e.type, std::string(e.note), e.name == "Q4_K_M" ? "Q4_K_M" : ""};
  }
  throw std::invalid_argument("quantization type '" + name +
                              "' is not supported; supported: " + supported_quant_types());
}

}  // namespace tandem::cli
