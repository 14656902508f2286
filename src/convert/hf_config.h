// Hugging Face config.json for the architectures convert/export-hf handle (Llama, Qwen2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tandem::convert {

struct HfConfig {
  std::string architecture;  // "LlamaForCausalLM" or "Qwen2ForCausalLM"
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;  // hidden_size / num_attention_heads unless config.json says otherwise
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-5;
  double rope_theta = 10000.0;
  bool tie_word_embeddings = false;
  std::string torch_dtype = "bfloat16";
  int64_t bos_token_id = -1;
  int64_t eos_token_id = -1;

  bool is_qwen2() const { return architecture == "Qwen2ForCausalLM"; }
  // The GGUF architecture name: "llama" or "qwen2".
  std::string gguf_arch() const { return is_qwen2() ? "qwen2" : "llama"; }
};

// One weight of the model under both naming schemes.
struct HfTensorName {
  std::string gguf;            // "blk.0.attn_q.weight"
  std::string hf;              // "model.layers.0.self_attn.q_proj.weight"
  std::vector<int64_t> shape;  // HF order: [out, in] for matrices, [n] for vectors
  int64_t rope_heads = 0;      // > 0: rows are permuted between the rope layouts (Llama q/k)
  bool is_output = false;      // lm_head.weight: absent when the embeddings are tied
};

// Every tensor of the model in llama.cpp's order (lm_head last, included even when tied).
std::vector<HfTensorName> hf_tensor_plan(const HfConfig& c);

// Llama q/k rows: GGUF interleaves each head's rotary pairs (x0, x1 adjacent), HF stores the
// two halves (rotate-half). to_gguf = true is convert_hf_to_gguf.py's LlamaModel.permute;
// false is its inverse. `rows` is a multiple of n_heads * 2; each row has `cols` elements of
// `elem` bytes.
void permute_rope_rows(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols, size_t elem,
                       int64_t n_heads, bool to_gguf);

// Reads and validates DIR/config.json; throws std::runtime_error("PATH: problem").
HfConfig read_hf_config(const std::string& path);
// Writes a LlamaForCausalLM config.json.
void write_hf_config(const HfConfig& c, const std::string& path);

}  // namespace tandem::convert
