// Random-weight models of real shapes, for speed work (weights' values don't affect speed).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/model_config.h"

namespace tandem::convert {

// A named shape: "tinyllama-1.1b", "llama-3-8b", "qwen2.5-0.5b", "qwen3-0.6b", "qwen3-30b-a3b",
// "glm-4-9b", "gemma-2-2b", "gemma-3-1b", "phi-3-mini", "phi-3-mini-128k", ...
model::ModelConfig shape_preset(const std::string& name);
std::vector<std::string> shape_preset_names();

// Gemma's fixed settings on a gemma2/gemma3 shape: RMS epsilon 1e-6, post-norms (gemma3 QK
// norms), the sliding window n_swa (0: 4096 for gemma2, 1024 for gemma3) and gemma2's
// soft-capping (50 on attention scores, 30 on logits, where not already set).
void gemma_defaults(model::ModelConfig& c, int64_t n_swa);

struct SynthOptions {
  model::ModelConfig shape;   // n_vocab is taken from the vocabulary file
  std::string type = "Q4_0";  // F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q4_K_M, Q6_K
  std::string vocab_from;     // GGUF whose tokenizer.* metadata is copied
  uint64_t seed = 1;
  int threads = 1;
  bool tied_output = false;
  // glm4: one attn_qkv matrix (and bias) instead of attn_q/k/v, the layout llama.cpp also
  // reads (GLM-4-0414 conversions write separate ones).
  bool fused_qkv = false;
  // phi3: LongRoPE factor tensors (rope_factors_long/short) over shape.rope_n_ctx_orig (0: the
  // training context), with rope.scaling.attn_factor. Implied by a phi3 shape with an original
  // context (phi-3-mini-128k). phi3 always fuses Q/K/V and gate/up.
  bool rope_factors = false;
  // llama: Llama 3.1's rope_freqs.weight (frequency divisors: 1 for wavelengths under
  // original/4, this factor above original/1, smooth between) over shape.rope_n_ctx_orig.
  // 0: none. The rotation itself is not marked as scaled in the metadata, as in Meta's files.
  float llama3_rope_factor = 0.0f;
  // Called as tensors are generated: (bytes done, bytes total, tensor name).
  std::function<void(size_t, size_t, const std::string&)> progress;
};

struct SynthReport {
  size_t bytes = 0;
  int64_t n_params = 0;
  std::vector<std::string> fallbacks;  // "tensor: TYPE -> TYPE (why)"
};

// Writes the model to `out_path`; throws std::invalid_argument / ModelFileError on bad input.
SynthReport synth_model(const SynthOptions& opt, const std::string& out_path);

}  // namespace tandem::convert
