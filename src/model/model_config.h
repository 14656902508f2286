// Hyperparameters of a Llama-family model (llama, qwen2, qwen3, qwen2moe, qwen3moe, glm4, gemma2,
// gemma3, phi3), read from GGUF metadata.
#pragma once

#include <cstdint>
#include <string>

namespace tandem::model {

class GgufFile;

struct ModelConfig {
  // "llama", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "glm4", "gemma2", "gemma3", "phi3"
  std::string arch;
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
  float rope_attn_factor = 1.0f;  // rope.scaling.attn_factor: cos/sin scale (phi3 LongRoPE)
  bool rope_neox = false;         // qwen2/qwen3/gemma/phi3 rotate (i, i + n_rot/2) pairs
  bool qkv_bias = false;          // qwen2 (required); glm4 files may carry them too (optional)
  bool qk_norm = false;           // qwen3, qwen3moe, gemma3
  // glm4, gemma2/3: RMS norms on the attention and FFN outputs before each residual add
  // (post_attention_norm, post_ffw_norm).
  bool post_norms = false;
  // glm4, phi3: ffn_up holds gate then up (2 x n_ff rows).
  bool fused_gate_up = false;
  // gemma2/gemma3 (llama.cpp's GEMMA2/GEMMA3 graphs):
  bool embd_scale = false;       // token embeddings times sqrt(n_embd)
  bool gelu_ffn = false;         // GeGLU, gelu_tanh(gate) * up, instead of SwiGLU
  float attn_scale = 0.0f;       // query scale; 0: 1 / sqrt(head_dim)
  float attn_softcap = 0.0f;     // gemma2: scores -> cap * tanh(score / cap); 0: none
  float final_softcap = 0.0f;    // gemma2: the logits likewise
  int64_t n_swa = 0;             // attention.sliding_window (keys seen); 0: no sliding layers
  int64_t swa_pattern = 0;       // of every swa_pattern layers all but the last slide (2, 6)
  float rope_freq_base_swa = 0;  // gemma3: sliding layers' RoPE base, unscaled; 0: the global
  // Mixture of experts (qwen2moe, qwen3moe): every layer's FFN is n_expert SwiGLU experts of
  // width n_ff_exp, of which each token runs the n_expert_used its router ranks highest.
  int64_t n_expert = 0;
  int64_t n_expert_used = 0;
  int64_t n_ff_exp = 0;
  bool expert_weights_norm =
      true;                // the chosen probabilities renormalised (qwen3moe, not qwen2moe)
  int64_t n_ff_shexp = 0;  // qwen2moe: the shared expert's width (every token runs it, gated)

  bool is_moe() const { return n_expert > 0; }

  // Whether a layer attends over a sliding window of n_swa keys (llama.cpp's set_swa_pattern).
  bool is_swa(int64_t layer) const {
    return n_swa > 0 && swa_pattern > 0 && layer % swa_pattern < swa_pattern - 1;
  }
  float attention_scale() const;

  // Throws ModelFileError naming the file and key for missing or inconsistent values.
  static ModelConfig from_gguf(const GgufFile& file);

  int64_t q_dim() const { return n_head * head_dim; }
  int64_t kv_dim() const { return n_head_kv * head_dim; }
  // Parameter count implied by the shapes (embedding counted once when tied).
  int64_t n_params(bool tied_output) const;
};

}  // namespace tandem::model
