#include "quant/presets.h"

#include <fmt/format.h>

#include <stdexcept>

#include "model/file_type.h"

namespace tandem::quant {

std::string preset_policy_toml(std::string_view preset, int64_t n_layer) {
  if (preset != "Q4_K_M")
    throw std::invalid_argument(fmt::format("no mixed preset named '{}'", preset));
  // llama_tensor_get_type for LLAMA_FTYPE_MOSTLY_Q4_K_M on a dense model: output Q6_K;
  // attn_v and ffn_down Q6_K where use_more_bits; everything else Q4_K.
  std::string toml = fmt::format(
      "name = \"llama.cpp Q4_K_M ({} layers)\"\n"
      "description = \"Q4_K with Q6_K for output and for attn_v/ffn_down on use_more_bits "
      "layers, as llama-quantize chooses\"\n"
      "default = \"q4_k\"\n"
      "[[rules]]\ntensors = [\"output\"]\ntype = \"q6_k\"\n",
      n_layer);
  for (int64_t i = 0; i < n_layer; ++i)
    if (model::llama_use_more_bits(i, n_layer))
      toml += fmt::format(
          "[[rules]]\ntensors = [\"attn_v\", \"ffn_down\"]\nlayers = [{}, {}]\ntype = \"q6_k\"\n",
          i, i);
  return toml;
}

}  // namespace tandem::quant
