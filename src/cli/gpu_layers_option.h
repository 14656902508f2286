// -ngl / --n-gpu-layers: llama.cpp users pass it out of habit. Tandem runs on the CPU only,
// so the option is accepted (scripts keep working) and a non-zero value draws a warning.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::cli {

// Adds --n-gpu-layers,--gpu-layers N|auto|all (main() maps -ngl to it).
void add_gpu_layers_option(CLI::App* cmd);

}  // namespace tandem::cli
