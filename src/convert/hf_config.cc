#include "convert/hf_config.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace tandem::convert {
namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read");
  try {
    return nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
}

}  // namespace

HfConfig read_hf_config(const std::string& path) {
  const auto j = read_json(path);
  auto fail = [&](const std::string& m) { return std::runtime_error(path + ": " + m); };
  if (!j.is_object()) throw fail("not a JSON object");
  HfConfig c;
  if (!j.contains("architectures") || !j["architectures"].is_array() ||
      j["architectures"].empty() || !j["architectures"][0].is_string())
    throw fail("missing \"architectures\"");
  c.architecture = j["architectures"][0].get<std::string>();
  if (c.architecture != "LlamaForCausalLM" && c.architecture != "Qwen2ForCausalLM")
    throw fail("unsupported architecture " + c.architecture +
               " (supported: LlamaForCausalLM, Qwen2ForCausalLM)");
  auto get_int = [&](const char* key, int64_t def, bool required) -> int64_t {
    if (!j.contains(key) || j[key].is_null()) {
      if (required) throw fail(std::string("missing \"") + key + "\"");
      return def;
    }
    if (!j[key].is_number_integer()) throw fail(std::string("\"") + key + "\" is not an integer");
    return j[key].get<int64_t>();
  };
  auto get_num = [&](const char* key, double def) -> double {
    if (!j.contains(key) || j[key].is_null()) return def;
    if (!j[key].is_number()) throw fail(std::string("\"") + key + "\" is not a number");
    return j[key].get<double>();
  };
  c.hidden_size = get_int("hidden_size", 0, true);
  c.intermediate_size = get_int("intermediate_size", 0, true);
  c.num_hidden_layers = get_int("num_hidden_layers", 0, true);
  c.num_attention_heads = get_int("num_attention_heads", 0, true);
  c.num_key_value_heads = get_int("num_key_value_heads", c.num_attention_heads, false);
  c.vocab_size = get_int("vocab_size", 0, true);
  c.max_position_embeddings = get_int("max_position_embeddings", 2048, false);
  c.rms_norm_eps = get_num("rms_norm_eps", c.is_qwen2() ? 1e-6 : 1e-5);
  c.rope_theta = get_num("rope_theta", 10000.0);
  c.bos_token_id = get_int("bos_token_id", -1, false);
  c.eos_token_id = j.contains("eos_token_id") && j["eos_token_id"].is_array()
                       ? (j["eos_token_id"].empty() ? -1 : j["eos_token_id"][0].get<int64_t>())
                       : get_int("eos_token_id", -1, false);
  if (j.contains("tie_word_embeddings")) {
    if (!j["tie_word_embeddings"].is_boolean()) throw fail("\"tie_word_embeddings\" is not a bool");
    c.tie_word_embeddings = j["tie_word_embeddings"].get<bool>();
  }
  if (j.contains("torch_dtype") && j["torch_dtype"].is_string())
    c.torch_dtype = j["torch_dtype"].get<std::string>();
  if (j.contains("rope_scaling") && !j["rope_scaling"].is_null())
    throw fail("rope_scaling is not supported");
  if (c.hidden_size <= 0 || c.intermediate_size <= 0 || c.num_hidden_layers <= 0 ||
      c.num_attention_heads <= 0 || c.num_key_value_heads <= 0 || c.vocab_size <= 0 ||
      c.num_attention_heads % c.num_key_value_heads != 0)
    throw fail("implausible model dimensions");
  c.head_dim = get_int("head_dim", 0, false);
  if (c.head_dim == 0) {
    if (c.hidden_size % c.num_attention_heads != 0)
      throw fail("hidden_size is not a multiple of num_attention_heads");
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (c.head_dim <= 0 || c.head_dim % 2 != 0) throw fail("head_dim must be positive and even");
  return c;
}

void write_hf_config(const HfConfig& c, const std::string& path) {
  nlohmann::ordered_json j;
  j["architectures"] = {c.architecture};
  j["model_type"] = c.is_qwen2() ? "qwen2" : "llama";
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_key_value_heads"] = c.num_key_value_heads;
  if (c.head_dim != c.hidden_size / c.num_attention_heads) j["head_dim"] = c.head_dim;
  j["vocab_size"] = c.vocab_size;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["rope_theta"] = c.rope_theta;
  j["rope_scaling"] = nullptr;
  j["hidden_act"] = "silu";
  j["attention_bias"] = false;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["torch_dtype"] = c.torch_dtype;
  if (c.bos_token_id >= 0) j["bos_token_id"] = c.bos_token_id;
  if (c.eos_token_id >= 0) j["eos_token_id"] = c.eos_token_id;
  std::ofstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot write");
  f << j.dump(2) << "\n";
  if (!f) throw std::runtime_error(path + ": write failed");
}

std::vector<HfTensorName> hf_tensor_plan(const HfConfig& c) {
  const int64_t d = c.hidden_size, q = c.num_attention_heads * c.head_dim,
                kv = c.num_key_value_heads * c.head_dim, ff = c.intermediate_size;
  const bool permute = !c.is_qwen2();
  std::vector<HfTensorName> p;
  p.push_back({"token_embd.weight", "model.embed_tokens.weight", {c.vocab_size, d}});
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string g = "blk." + std::to_string(l) + ".";
    const std::string h = "model.layers." + std::to_string(l) + ".";
    p.push_back({g + "attn_norm.weight", h + "input_layernorm.weight", {d}});
    p.push_back({g + "attn_q.weight",
                 h + "self_attn.q_proj.weight",
                 {q, d},
                 permute ? c.num_attention_heads : 0});
    p.push_back({g + "attn_k.weight",
                 h + "self_attn.k_proj.weight",
                 {kv, d},
                 permute ? c.num_key_value_heads : 0});
    p.push_back({g + "attn_v.weight", h + "self_attn.v_proj.weight", {kv, d}});
    if (c.is_qwen2()) {
      p.push_back({g + "attn_q.bias", h + "self_attn.q_proj.bias", {q}});
      p.push_back({g + "attn_k.bias", h + "self_attn.k_proj.bias", {kv}});
      p.push_back({g + "attn_v.bias", h + "self_attn.v_proj.bias", {kv}});
    }
    p.push_back({g + "attn_output.weight", h + "self_attn.o_proj.weight", {d, q}});
    p.push_back({g + "ffn_norm.weight", h + "post_attention_layernorm.weight", {d}});
    p.push_back({g + "ffn_gate.weight", h + "mlp.gate_proj.weight", {ff, d}});
    p.push_back({g + "ffn_down.weight", h + "mlp.down_proj.weight", {d, ff}});
    p.push_back({g + "ffn_up.weight", h + "mlp.up_proj.weight", {ff, d}});
  }
  p.push_back({"output_norm.weight", "model.norm.weight", {d}});
  HfTensorName out{"output.weight", "lm_head.weight", {c.vocab_size, d}};
  out.is_output = true;
  p.push_back(out);
  return p;
}

void permute_rope_rows(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols, size_t elem,
                       int64_t n_heads, bool to_gguf) {
  if (n_heads <= 0 || rows % (2 * n_heads) != 0)
    throw std::invalid_argument("rope permutation: " + std::to_string(rows) +
                                " rows are not a whole number of heads of even size");
  const int64_t hd = rows / n_heads, half = hd / 2;
  const size_t row_bytes = static_cast<size_t>(cols) * elem;
  for (int64_t h = 0; h < n_heads; ++h)
    for (int64_t i = 0; i < half; ++i)
      for (int64_t s = 0; s < 2; ++s) {
        const int64_t gguf_row = h * hd + 2 * i + s, hf_row = h * hd + s * half + i;
        const int64_t from = to_gguf ? hf_row : gguf_row, to = to_gguf ? gguf_row : hf_row;
        std::memcpy(dst + static_cast<size_t>(to) * row_bytes,
                    src + static_cast<size_t>(from) * row_bytes, row_bytes);
      }
}

}  // namespace tandem::convert
