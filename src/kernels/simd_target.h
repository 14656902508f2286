// Which SIMD code path the kernels take, and a way to hold them to a narrower one (to see,
// on one machine, how a CPU without AVX-512 or without AVX2 runs).
#pragma once

#include <string>

namespace tandem::kernels {

// Highway's name of the target matmul dispatches to now (e.g. "AVX3_DL", "AVX2").
std::string simd_target_name();

// Limits every kernel to the named target (as simd_target_name spells it) from now on;
// call before loading a model, since packing depends on it. Throws std::invalid_argument
// naming the targets this CPU runs if `name` is not one of them.
void limit_simd_target(const std::string& name);

}  // namespace tandem::kernels
