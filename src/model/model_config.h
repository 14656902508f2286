// Hyperparameters of a Llama-family model (llama, qwen2, qwen3, glm4), read from GGUF metadata.
#pragma once

#include <cstdint>
#include <string>

namespace tandem::model {

class GgufFile;

struct ModelConfig {
  std::string arch;  // "llama", "qwen2", "qwen3", "glm4"
  std::string name;
  int64_t n_vocab = 0;
  int64_t n_ctx_train = 0;
  int64_t n_embd = 0;
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t n_ff = 0;
  int64_t head_dim = 0;  // attention.key_length, or n_embd / n_head
  int64_t n_rot = 0;     // rope.dimension_count, or head_dim
  float rms_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  float rope_freq_scale = 1.0f;  // 1 / rope.scaling.factor for linear and YaRN scaling
  // YaRN (rope.scaling.type = yarn): low frequencies interpolated, high ones extrapolated,
  // ramped between the dimensions set by beta_fast/beta_slow for the original context.
  bool rope_yarn = false;
  int64_t rope_n_ctx_orig = 0;  // rope.scaling.original_context_length (else training context)
  float yarn_attn_factor = 1.0f;
  float yarn_beta_fast = 32.0f;
  float yarn_beta_slow = 1.0f;
  bool rope_neox = false;  // qwen2/qwen3 rotate (i, i + n_rot/2) pairs
  bool qkv_bias = false;   // qwen2 (required); glm4 files may carry them too (optional)
  bool qk_norm = false;    // qwen3
  // glm4: RMS norms on the attention and FFN outputs before each residual add
  // (post_attention_norm, post_ffw_norm), and ffn_up holding gate then up (2 x n_ff rows).
  bool post_norms = false;
  bool fused_gate_up = false;

  // Throws ModelFileError naming the file and key for missing or inconsistent values.
  static ModelConfig from_gguf(const GgufFile& file);

  int64_t q_dim() const { return n_head * head_dim; }
  int64_t kv_dim() const { return n_head_kv * head_dim; }
  // Parameter count implied by the shapes (embedding counted once when tied).
  int64_t n_params(bool tied_output) const;
};

}  // namespace tandem::model
