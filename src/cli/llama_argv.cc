#include "cli/llama_argv.h"

#include <array>
#include <string_view>
#include <utility>

namespace tandem::cli {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kLongNames{{
    {"-ngl", "--n-gpu-layers"},
    {"-np", "--parallel"},
    {"-md", "--model-draft"},
}};

std::string mapped(const std::string& word) {
  const std::string_view w(word);
  for (const auto& [short_name, long_name] : kLongNames) {
    if (w == short_name) return std::string(long_name);
    if (w.starts_with(short_name) && w.size() > short_name.size() && w[short_name.size()] == '=')
      return std::string(long_name) + std::string(w.substr(short_name.size()));
  }
  return word;
}

}  // namespace

std::vector<std::string> map_llama_short_names(int argc, const char* const* argv) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(argc));
  bool positional_only = false;
  for (int i = 0; i < argc; ++i) {
    std::string word = argv[i];
    if (i > 0 && !positional_only) {
      if (word == "--")
        positional_only = true;
      else
        word = mapped(word);
    }
    out.push_back(std::move(word));
  }
  return out;
}

}  // namespace tandem::cli
