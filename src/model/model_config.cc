#include "model/model_config.h"

#include <fmt/format.h>
#include <cmath>

#include "model/gguf_file.h"

namespace tandem::model {
namespace {

// The engine trusts these values (divides by them, sizes caches with them), so a file whose
// numbers are absurd is refused here, naming the key, rather than failing later or silently.
constexpr int64_t kMinContext = 16;
constexpr int64_t kMaxContext = int64_t{1} << 24;  // 16M positions: beyond any KV cache we hold

double finite_positive(const GgufFile& f, const std::string& key, double fallback,
                       double below = INFINITY) {
  const double v = f.get_double(key, fallback);
  if (!std::isfinite(v) || v <= 0 || v >= below)
    throw f.error(fmt::format("{} = {} is invalid: it must be a finite number above 0{}", key, v,
                              std::isinf(below) ? "" : fmt::format(" and below {}", below)));
  return v;
}

}  // namespace

ModelConfig ModelConfig::from_gguf(const GgufFile& f) {
  ModelConfig c;
  c.arch = f.get_string("general.architecture");
  if (c.arch != "llama" && c.arch != "qwen2" && c.arch != "qwen3")
    throw f.error("unsupported architecture '" + c.arch + "' (supported: llama, qwen2, qwen3)");
  const std::string a = c.arch + ".";
  c.name = f.get_string("general.name", c.arch);
  c.n_embd = f.get_int(a + "embedding_length");
  c.n_layer = f.get_int(a + "block_count");
  c.n_head = f.get_int(a + "attention.head_count");
  c.n_head_kv = f.get_int(a + "attention.head_count_kv", c.n_head);
  c.n_ff = f.get_int(a + "feed_forward_length");
  c.n_ctx_train = f.get_int(a + "context_length", 2048);
  if (c.n_ctx_train < kMinContext || c.n_ctx_train > kMaxContext)
    throw f.error(fmt::format("{}context_length = {} is invalid: it must be between {} and {}", a,
                              c.n_ctx_train, kMinContext, kMaxContext));
  c.rms_eps =
      static_cast<float>(finite_positive(f, a + "attention.layer_norm_rms_epsilon", 1e-5, 1.0));
  c.rope_freq_base = static_cast<float>(finite_positive(f, a + "rope.freq_base", 10000.0));
  if (c.n_embd <= 0 || c.n_layer <= 0 || c.n_head <= 0 || c.n_head_kv <= 0 || c.n_ff <= 0)
    throw f.error("model dimensions must be positive");
  if (c.n_head % c.n_head_kv != 0)
    throw f.error("head_count " + std::to_string(c.n_head) +
                  " is not a multiple of head_count_kv " + std::to_string(c.n_head_kv));
  c.head_dim = f.get_int(a + "attention.key_length", c.n_embd / c.n_head);
  if (c.head_dim <= 0 || (!f.has(a + "attention.key_length") && c.n_embd % c.n_head != 0))
    throw f.error("embedding_length is not a multiple of head_count");
  if (f.get_int(a + "attention.value_length", c.head_dim) != c.head_dim)
    throw f.error("attention.value_length differs from key_length (not supported)");
  c.n_rot = f.get_int(a + "rope.dimension_count", c.head_dim);
  if (c.n_rot <= 0 || c.n_rot > c.head_dim || c.n_rot % 2 != 0)
    throw f.error("rope.dimension_count " + std::to_string(c.n_rot) + " is invalid for head size " +
                  std::to_string(c.head_dim));
  const std::string scaling = f.get_string(a + "rope.scaling.type", "none");
  if (scaling == "linear") {
    const double factor = finite_positive(f, a + "rope.scaling.factor", 1.0);
    c.rope_freq_scale = static_cast<float>(1.0 / factor);
  } else if (scaling != "none" && scaling != "") {
    throw f.error("unsupported rope.scaling.type '" + scaling + "' (supported: none, linear)");
  }
  c.rope_neox = c.arch != "llama";
  c.qkv_bias = c.arch == "qwen2";
  c.qk_norm = c.arch == "qwen3";
  if (const auto* emb = f.find_tensor("token_embd.weight"); emb && emb->dims.size() == 2)
    c.n_vocab = emb->dims[1];
  else if (const auto* toks = f.find("tokenizer.ggml.tokens"); toks && toks->is_array())
    c.n_vocab = static_cast<int64_t>(toks->as_array().items.size());
  else
    throw f.error("cannot tell the vocabulary size (no token_embd.weight)");
  return c;
}

int64_t ModelConfig::n_params(bool tied_output) const {
  const int64_t attn = n_embd * q_dim() * 2 + n_embd * kv_dim() * 2;
  const int64_t ffn = 3 * n_embd * n_ff;
  const int64_t norms = 2 * n_embd;
  return n_layer * (attn + ffn + norms) + n_vocab * n_embd * (tied_output ? 1 : 2) + n_embd;
}

}  // namespace tandem::model
