#include "model/model_config.h"

#include <fmt/format.h>

#include <cmath>

#include "model/gguf_file.h"
#include "model/metadata_checks.h"

namespace tandem::model {
namespace {

// The engine trusts every value read here (divides by them, sizes caches and loops with
// them), so a file whose numbers are absurd is refused here, naming the key and the value,
// rather than failing later or silently. Limits and their reasons: metadata_checks.h.
using limits::kMaxWidth;

// n_vocab is the embedding's row count; the token list and `<arch>.vocab_size`, when
// present, must agree with it (token ids index both).
int64_t vocab_size(const GgufFile& f, const std::string& a) {
  int64_t n = 0;
  std::string source;
  if (const auto* emb = f.find_tensor("token_embd.weight"); emb && emb->dims.size() == 2) {
    n = emb->dims[1];
    source = "token_embd.weight rows";
  } else if (const auto* toks = f.find("tokenizer.ggml.tokens"); toks && toks->is_array()) {
    n = static_cast<int64_t>(toks->as_array().items.size());
    source = "tokenizer.ggml.tokens";
  } else {
    throw f.error("cannot tell the vocabulary size (no token_embd.weight)");
  }
  if (n < 1 || n > limits::kMaxVocab)
    throw f.error(fmt::format("vocabulary size ({}) = {} is invalid: it must be between 1 and {}",
                              source, n, limits::kMaxVocab));
  if (const auto* toks = f.find("tokenizer.ggml.tokens"); toks && toks->is_array()) {
    const auto listed = static_cast<int64_t>(toks->as_array().items.size());
    if (listed != n)
      throw f.error(
          fmt::format("tokenizer.ggml.tokens has {} entries but {} = {}", listed, source, n));
  }
  if (f.has(a + "vocab_size") && f.get_int(a + "vocab_size") != n)
    throw f.error(fmt::format("{}vocab_size = {} differs from {} = {}", a,
                              f.get_int(a + "vocab_size"), source, n));
  return n;
}

// Mixture-of-experts layers run for qwen2moe and qwen3moe only; elsewhere the counts are
// range-checked first so an absurd value is reported as such.
void refuse_experts(const GgufFile& f, const std::string& a) {
  const int64_t experts = int_in_range(f, a + "expert_count", 0, limits::kMaxExperts, 0);
  int_in_range(f, a + "expert_used_count", 0, experts, 0);
  if (experts > 0)
    throw f.error(fmt::format(
        "{}expert_count = {}: mixture-of-experts layers are supported for qwen2moe/qwen3moe only",
        a, experts));
}

// Qwen2/3-MoE as llama.cpp reads them (llama_model_qwen2moe/qwen3moe): both counts required
// and non-zero; the expert width from expert_feed_forward_length, else feed_forward_length /
// experts used. qwen2moe: the chosen probabilities are not renormalised, and a shared expert
// of expert_shared_feed_forward_length (else feed_forward_length) runs for every token.
void read_experts(const GgufFile& f, const std::string& a, ModelConfig& c) {
  c.n_expert = int_in_range(f, a + "expert_count", 1, limits::kMaxExperts);
  c.n_expert_used = int_in_range(f, a + "expert_used_count", 1, c.n_expert);
  const int64_t fallback = c.n_ff / c.n_expert_used;
  c.n_ff_exp = fallback > 0
                   ? int_in_range(f, a + "expert_feed_forward_length", 1, kMaxWidth, fallback)
                   : int_in_range(f, a + "expert_feed_forward_length", 1, kMaxWidth);
  if (c.arch == "qwen2moe") {
    c.expert_weights_norm = false;
    const std::string key = a + "expert_shared_feed_forward_length";
    c.n_ff_shexp = c.n_ff > 0 ? int_in_range(f, key, 1, kMaxWidth, c.n_ff)
                              : int_in_range(f, key, 1, kMaxWidth);
  }
}

// Gemma 2 and 3 as llama.cpp reads them (load_hparams): NeoX RoPE, post-norms, GeGLU, scaled
// embeddings; sliding-window layers in a fixed pattern (gemma2: even layers; gemma3: five of
// every six); gemma2's soft-capping (llama.cpp's defaults 50 and 30 when the keys are absent);
// gemma3's sliding layers rotate with base 10000, unscaled. The norm weights are used as
// stored: the converter already added Gemma's 1.
void read_gemma(const GgufFile& f, const std::string& a, ModelConfig& c) {
  const bool g2 = c.arch == "gemma2";
  c.rope_neox = true;
  c.post_norms = true;
  c.qk_norm = !g2;
  c.embd_scale = true;
  c.gelu_ffn = true;
  c.swa_pattern = g2 ? 2 : 6;
  // gemma2 defaults to 4096; gemma3 files must carry it.
  c.n_swa = g2 ? int_in_range(f, a + "attention.sliding_window", 0, limits::kMaxContext, 4096)
               : int_in_range(f, a + "attention.sliding_window", 0, limits::kMaxContext);
  if (g2) {
    c.attn_softcap = static_cast<float>(finite_positive(f, a + "attn_logit_softcapping", 50.0));
    c.final_softcap = static_cast<float>(finite_positive(f, a + "final_logit_softcapping", 30.0));
  } else {
    c.rope_freq_base_swa = 10000.0f;
  }
  // Gemma's 27B models scale queries by 1/sqrt(n_embd / n_head) (query_pre_attn_scalar); llama.cpp
  // recognises them by their layer count.
  const bool is_27b = c.n_layer == (g2 ? 46 : 62);
  c.attn_scale = is_27b ? 1.0f / std::sqrt(static_cast<float>(c.n_embd / c.n_head))
                        : 1.0f / std::sqrt(static_cast<float>(c.head_dim));
}

// Phi-3 as llama.cpp reads it: Q, K, V in one attn_qkv, gate and up in one ffn_up, NeoX RoPE.
// Its attention.sliding_window key is read and ignored: llama.cpp disables Phi's sliding
// window (every layer attends to the whole context), and Tandem follows the oracle.
void read_phi3(const GgufFile& f, const std::string& a, ModelConfig& c) {
  int_in_range(f, a + "attention.sliding_window", 0, limits::kMaxContext, 0);
  // LongRoPE (rope_factors_long/short tensors): the factor set is chosen against the original
  // context, and cos/sin are scaled by attn_factor (llama.cpp reads it for any architecture).
  if (!c.rope_yarn)
    c.rope_n_ctx_orig = int_in_range(f, a + "rope.scaling.original_context_length", 1,
                                     int64_t{1} << 24, c.n_ctx_train);
  c.rope_attn_factor =
      static_cast<float>(finite_positive(f, a + "rope.scaling.attn_factor", 1.0, 16.0));
  // llama.cpp sizes attn_output as n_embd x n_embd.
  if (c.q_dim() != c.n_embd)
    throw f.error(
        fmt::format("phi3: attention.head_count x key_length = {} differs from "
                    "embedding_length {} (not supported)",
                    c.q_dim(), c.n_embd));
}

}  // namespace

float ModelConfig::attention_scale() const {
  return attn_scale > 0.0f ? attn_scale : 1.0f / std::sqrt(static_cast<float>(head_dim));
}

ModelConfig ModelConfig::from_gguf(const GgufFile& f) {
  ModelConfig c;
  c.arch = f.get_string("general.architecture");
  const bool moe = c.arch == "qwen2moe" || c.arch == "qwen3moe";
  if (c.arch != "llama" && c.arch != "qwen2" && c.arch != "qwen3" && !moe && c.arch != "glm4" &&
      c.arch != "gemma2" && c.arch != "gemma3" && c.arch != "phi3")
    throw f.error(
        "unsupported architecture '" + c.arch +
        "' (supported: llama, qwen2, qwen3, qwen2moe, qwen3moe, glm4, gemma2, gemma3, phi3)");
  const std::string a = c.arch + ".";
  c.name = f.get_string("general.name", c.arch);
  c.n_embd = int_in_range(f, a + "embedding_length", 1, kMaxWidth);
  c.n_layer = int_in_range(f, a + "block_count", 1, limits::kMaxLayers);
  c.n_head = int_in_range(f, a + "attention.head_count", 1, kMaxWidth);
  c.n_head_kv = int_in_range(f, a + "attention.head_count_kv", 1, c.n_head, c.n_head);
  if (c.n_head % c.n_head_kv != 0)
    throw f.error(
        fmt::format("{}attention.head_count_kv = {} is invalid: it must divide "
                    "{}attention.head_count = {}",
                    a, c.n_head_kv, a, c.n_head));
  // An MoE file may size its experts with expert_feed_forward_length alone.
  c.n_ff = moe ? int_in_range(f, a + "feed_forward_length", 0, kMaxWidth, 0)
               : int_in_range(f, a + "feed_forward_length", 1, kMaxWidth);
  c.n_ctx_train =
      int_in_range(f, a + "context_length", limits::kMinContext, limits::kMaxContext, 2048);
  c.rms_eps =
      static_cast<float>(finite_positive(f, a + "attention.layer_norm_rms_epsilon", 1e-5, 1.0));
  // Llama-family blocks use RMS norm only, but a LayerNorm epsilon that is not a small
  // positive number marks a corrupt or mislabelled file.
  finite_positive(f, a + "attention.layer_norm_epsilon", 1e-5, 1.0);
  c.rope_freq_base = static_cast<float>(finite_positive(f, a + "rope.freq_base", 10000.0));

  if (f.has(a + "attention.key_length")) {
    c.head_dim = int_in_range(f, a + "attention.key_length", 1, kMaxWidth);
  } else if (c.n_embd % c.n_head != 0) {
    throw f.error(
        fmt::format("{}embedding_length = {} is not a multiple of "
                    "{}attention.head_count = {} (and there is no key_length)",
                    a, c.n_embd, a, c.n_head));
  } else {
    c.head_dim = c.n_embd / c.n_head;
  }
  if (c.q_dim() > kMaxWidth)
    throw f.error(
        fmt::format("{}attention.head_count × {}attention.key_length = {} × {} exceeds {}", a, a,
                    c.n_head, c.head_dim, kMaxWidth));
  if (const int64_t v = int_in_range(f, a + "attention.value_length", 1, kMaxWidth, c.head_dim);
      v != c.head_dim)
    throw f.error(
        fmt::format("{}attention.value_length = {} differs from key_length {} (not "
                    "supported)",
                    a, v, c.head_dim));
  c.n_rot = int_in_range(f, a + "rope.dimension_count", 2, c.head_dim, c.head_dim);
  if (c.n_rot % 2 != 0)  // rope rotates pairs of dimensions
    throw f.error(
        fmt::format("{}rope.dimension_count = {} is invalid: it must be even", a, c.n_rot));
  const std::string scaling = f.get_string(a + "rope.scaling.type", "none");
  if (scaling == "linear" || scaling == "yarn") {
    const double factor = finite_positive(f, a + "rope.scaling.factor", 1.0);
    c.rope_freq_scale = static_cast<float>(1.0 / factor);
  } else if (scaling != "none" && scaling != "") {
    throw f.error(fmt::format(
        "unsupported {}rope.scaling.type '{}' (supported: none, linear, yarn)", a, scaling));
  }
  if (scaling == "yarn") {
    c.rope_yarn = true;
    c.rope_n_ctx_orig = int_in_range(f, a + "rope.scaling.original_context_length", 1,
                                     int64_t{1} << 24, c.n_ctx_train);
    c.yarn_attn_factor =
        static_cast<float>(finite_positive(f, a + "rope.scaling.yarn_attn_factor", 1.0));
    c.yarn_beta_fast =
        static_cast<float>(finite_positive(f, a + "rope.scaling.yarn_beta_fast", 32.0));
    c.yarn_beta_slow =
        static_cast<float>(finite_positive(f, a + "rope.scaling.yarn_beta_slow", 1.0));
  }
  if (moe)
    read_experts(f, a, c);
  else
    refuse_experts(f, a);
  // GLM-4 rotates adjacent pairs (ggml's "normal" rope) over a partial rotary dimension.
  c.rope_neox = c.arch == "qwen2" || c.arch == "qwen3" || moe || c.arch == "phi3";
  c.qkv_bias = c.arch == "qwen2" || c.arch == "qwen2moe";
  c.qk_norm = c.arch == "qwen3" || c.arch == "qwen3moe";
  c.post_norms = c.arch == "glm4";
  c.fused_gate_up = c.arch == "glm4" || c.arch == "phi3";
  if (c.arch == "phi3") read_phi3(f, a, c);
  if (c.arch == "gemma2" || c.arch == "gemma3") read_gemma(f, a, c);
  c.n_vocab = vocab_size(f, a);
  check_special_token_ids(f, c.n_vocab);
  return c;
}

int64_t ModelConfig::n_params(bool tied_output) const {
  const int64_t attn = n_embd * q_dim() * 2 + n_embd * kv_dim() * 2;
  const int64_t ffn = is_moe() ? n_expert * 3 * n_embd * n_ff_exp + n_embd * n_expert +
                                     3 * n_embd * n_ff_shexp + (n_ff_shexp > 0 ? n_embd : 0)
                               : 3 * n_embd * n_ff;
  const int64_t norms = (post_norms ? 4 : 2) * n_embd;
  return n_layer * (attn + ffn + norms) + n_vocab * n_embd * (tied_output ? 1 : 2) + n_embd;
}

}  // namespace tandem::model
