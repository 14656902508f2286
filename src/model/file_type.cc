#include "model/file_type.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>
#include <vector>

#include "model/ggml_types.h"

namespace tandem::model {

namespace {

// llama.h's LLAMA_FTYPE_MOSTLY_* values (4-6 and 33-35 are retired or unused).
constexpr std::array<std::pair<int64_t, const char*>, 32> kNames{{
    {0, "F32"},      {1, "F16"},      {2, "Q4_0"},    {3, "Q4_1"},    {7, "Q8_0"},
    {8, "Q5_0"},     {9, "Q5_1"},     {10, "Q2_K"},   {11, "Q3_K_S"}, {12, "Q3_K_M"},
    {13, "Q3_K_L"},  {14, "Q4_K_S"},  {15, "Q4_K_M"}, {16, "Q5_K_S"}, {17, "Q5_K_M"},
    {18, "Q6_K"},    {19, "IQ2_XXS"}, {20, "IQ2_XS"}, {21, "Q2_K_S"}, {22, "IQ3_XS"},
    {23, "IQ3_XXS"}, {24, "IQ1_S"},   {25, "IQ4_NL"}, {26, "IQ3_S"},  {27, "IQ3_M"},
    {28, "IQ2_S"},   {29, "IQ2_M"},   {30, "IQ4_XS"}, {31, "IQ1_M"},  {32, "BF16"},
    {36, "TQ1_0"},   {37, "TQ2_0"},
}};

}  // namespace

std::string file_type_name(int64_t ftype) {
  for (const auto& [n, name] : kNames)
    if (n == ftype) return name;
  return "";
}

int64_t file_type_number(std::string_view name) {
  for (const auto& [n, known] : kNames)
    if (name == known) return n;
  return -1;
}

bool llama_use_more_bits(int64_t layer, int64_t n_layer) {
  return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

std::string type_mix(const GgufFile& file) {
  std::map<std::string, size_t> bytes;
  size_t total = 0;
  for (const auto& t : file.tensors()) {
    bytes[std::string(type_name(t.type))] += t.nbytes;
    total += t.nbytes;
  }
  std::vector<std::pair<std::string, size_t>> sorted(bytes.begin(), bytes.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [name, n] : sorted) {
    if (!out.empty()) out += ", ";
    const double share = total ? 100.0 * static_cast<double>(n) / static_cast<double>(total) : 0;
    out += fmt::format("{} {:.0f}%", name, share);
  }
  return out;
}

}  // namespace tandem::model
