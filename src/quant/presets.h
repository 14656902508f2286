// llama-quantize's mixed presets as policies: "Q4_K_M" is not one type but Q4_K with Q6_K for
// the output projection and for attn_v / ffn_down on some layers, chosen by layer count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tandem::quant {

// The policy TOML (see policy.h) of a preset for a model of n_layer layers; "" for names that
// are one uniform type. Throws std::invalid_argument for a preset it does not know.
std::string preset_policy_toml(std::string_view preset, int64_t n_layer);

}  // namespace tandem::quant
