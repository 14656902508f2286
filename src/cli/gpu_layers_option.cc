#include "cli/gpu_layers_option.h"

#include <fmt/core.h>

#include <charconv>
#include <string>

namespace tandem::cli {
namespace {

// llama.cpp takes a layer count (-1: all) or, in newer versions, "auto" / "all".
std::string check_layers(const std::string& v) {
  if (v == "auto" || v == "all") return {};
  int n = 0;
  const auto* end = v.data() + v.size();
  const auto [p, ec] = std::from_chars(v.data(), end, n);
  if (v.empty() || ec != std::errc() || p != end || n < -1)
    return "expected a layer count, -1, auto or all; got '" + v + "'";
  return {};
}

}  // namespace

void add_gpu_layers_option(CLI::App* cmd) {
  cmd->add_option_function<std::string>(
         "--n-gpu-layers,--gpu-layers",
         [](const std::string& v) {
           if (v != "0")
             fmt::print(stderr,
                        "warning: -ngl/--n-gpu-layers {} ignored: this build of tandem is "
                        "CPU-only, every layer runs on the CPU\n",
                        v);
         },
         "(-ngl) Accepted for llama.cpp compatibility: this build is CPU-only, so it has no "
         "effect (a warning says so)")
      ->type_name("N")
      ->check(CLI::Validator(check_layers, "N|auto|all", "gpu layers"));
}

}  // namespace tandem::cli
