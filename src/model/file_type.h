// llama.cpp's general.file_type (llama_ftype): the name a file's quantization goes by
// ("Q4_K_M"), which its tensors' types alone do not tell (a mix of Q4_K and Q6_K).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/gguf_file.h"

namespace tandem::model {

// "Q4_K_M", "F16", ...; "" for numbers llama.cpp does not define.
std::string file_type_name(int64_t ftype);

// The number for a name ("Q4_K_M" -> 15); -1 for names llama.cpp does not define.
int64_t file_type_number(std::string_view name);

// llama-quantize's use_more_bits: the layers a K-quant mix gives more bits (the first and
// last eighth and every third between); shared by `quantize`'s presets and `synth`.
bool llama_use_more_bits(int64_t layer, int64_t n_layer);

// The weight types by share of tensor bytes, largest first: "Q4_K 81%, Q6_K 17%, F32 2%".
std::string type_mix(const GgufFile& file);

}  // namespace tandem::model
