// A loaded model: its file, config, weight views and tokenizer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/packed_weights.h"
#include "kernels/weight_view.h"
#include "model/gguf_file.h"
#include "model/model_config.h"
#include "tokenizer/tokenizer.h"

namespace tandem::engine {

struct LayerWeights {
  const float* attn_norm = nullptr;
  kernels::WeightView wq, wk, wv, wo;
  const float* q_bias = nullptr;  // qwen2, glm4 (fused attn_qkv: parts of one vector)
  const float* k_bias = nullptr;
  const float* v_bias = nullptr;
  const float* q_norm = nullptr;  // qwen3, head_dim entries
  const float* k_norm = nullptr;
  const float* attn_post_norm = nullptr;  // glm4: RMS norm of the attention output
  const float* ffn_norm = nullptr;
  // glm4's fused ffn_up: w_gate and w_up are its two row halves (no copy).
  kernels::WeightView w_gate, w_up, w_down;
  const float* ffn_post_norm = nullptr;  // glm4: RMS norm of the FFN output
  // Mixture of experts (qwen2moe, qwen3moe), instead of w_gate/w_up/w_down: the router (n_embd
  // -> n_expert) and one view per expert into the stacked ffn_{gate,up,down}_exps tensors.
  kernels::WeightView ffn_gate_inp;
  std::vector<kernels::WeightView> gate_exps, up_exps, down_exps;
  // qwen2moe's shared expert, run for every token and scaled by sigmoid(shexp_gate_inp . x).
  const float* shexp_gate_inp = nullptr;
  kernels::WeightView gate_shexp, up_shexp, down_shexp;
};

struct ModelWeights {
  kernels::WeightView tok_embd;
  const float* output_norm = nullptr;
  kernels::WeightView output;           // == tok_embd when the embedding is tied
  const float* rope_factors = nullptr;  // Llama 3 rope_freqs.weight, n_rot/2 entries, or null
  // phi3 LongRoPE (rope_factors_long/short.weight, n_rot/2 frequency divisors each): long for a
  // context past rope.scaling.original_context_length, short otherwise; both or neither.
  const float* rope_factors_long = nullptr;
  const float* rope_factors_short = nullptr;
  std::vector<LayerWeights> layers;
  bool tied_output = false;
};

class Model {
 public:
  // GGUF path, or a llama2.c checkpoint with its tokenizer file (tokenizer_path).
  // Throws model::ModelFileError naming the file for anything it cannot use.
  static std::unique_ptr<Model> load(const std::string& path,
                                     const std::string& tokenizer_path = "");
  // Binds an already-parsed file (tests, converted checkpoints).
  static std::unique_ptr<Model> from_file(model::GgufFile file);
  explicit Model(model::GgufFile file);  // binds weights and tokenizer (same as from_file)

  const model::GgufFile& file() const { return file_; }
  const model::ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const tokenizer::Tokenizer& tokenizer() const { return *tokenizer_; }
  size_t weight_bytes() const;  // bytes of all tensors
  size_t packed_bytes() const;  // bytes of the matrices repacked for the matmul kernels

 private:
  model::GgufFile file_;
  model::ModelConfig config_;
  ModelWeights weights_;
  std::vector<kernels::PackedWeights> packed_;  // owned by the views in weights_
  std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
};

}  // namespace tandem::engine
