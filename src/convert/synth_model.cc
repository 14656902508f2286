#include "convert/synth_model.h"
#include "convert/synth_random.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/quant/quant_formats.h"
#include "kernels/thread_pool.h"
#include "model/file_type.h"
#include "model/gguf_file.h"
#include "model/gguf_writer.h"

namespace tandem::convert {
namespace {

using model::GgmlType;

constexpr const char* kArchs =
    "llama, qwen2, qwen3, qwen2moe, qwen3moe, glm4, gemma2, gemma3, phi3";

model::ModelConfig make(std::string arch, int64_t embd, int64_t layers, int64_t heads, int64_t kv,
                        int64_t ff, int64_t ctx, float base, int64_t head_dim = 0) {
  model::ModelConfig c;
  c.arch = std::move(arch);
  c.n_embd = embd;
  c.n_layer = layers;
  c.n_head = heads;
  c.n_head_kv = kv;
  c.n_ff = ff;
  c.n_ctx_train = ctx;
  c.rope_freq_base = base;
  c.head_dim = head_dim ? head_dim : embd / heads;
  c.n_rot = c.head_dim;
  c.rms_eps = c.arch.rfind("qwen", 0) == 0 ? 1e-6f : 1e-5f;
  // GLM-4 rotates half of each head (partial_rotary_factor 0.5).
  if (c.arch == "glm4") c.n_rot = c.head_dim / 2;
  if (c.arch == "gemma2" || c.arch == "gemma3") gemma_defaults(c, 0);
  return c;
}

model::ModelConfig with_rope_scale(model::ModelConfig c, float factor) {
  c.rope_freq_scale = 1.0f / factor;
  c.rope_n_ctx_orig = c.n_ctx_train;
  return c;
}

bool supported_arch(const std::string& a) {
  return a == "llama" || a == "qwen2" || a == "qwen3" || a == "qwen2moe" || a == "qwen3moe" ||
         a == "glm4" || a == "gemma2" || a == "gemma3" || a == "phi3";
}

// The type a tensor gets under a file type, following llama.cpp's choices for its mixes.
GgmlType tensor_type(const std::string& ftype, const std::string& name, int64_t layer,
                     int64_t n_layer) {
  const bool is_output = name == "output.weight";
  if (ftype == "Q4_K_M") {
    if (is_output) return GgmlType::Q6_K;
    if ((name.find("attn_v") != std::string::npos || name.find("ffn_down") != std::string::npos) &&
        model::llama_use_more_bits(layer, n_layer))
      return GgmlType::Q6_K;
    return GgmlType::Q4_K;
  }
  const GgmlType t = model::parse_type_name(ftype);
  if (is_output && (t == GgmlType::Q4_0 || t == GgmlType::Q4_1 || t == GgmlType::Q4_K))
    return GgmlType::Q6_K;
  return t;
}

// A type whose block fits rows of `cols`: the wanted one, else Q8_0, else F16.
GgmlType fitting_type(GgmlType want, int64_t cols) {
  if (cols % model::traits(want).block_size == 0) return want;
  if (cols % 32 == 0) return GgmlType::Q8_0;
  return GgmlType::F16;
}

// LongRoPE factor sets of rot/2 entries, shaped like Phi-3-128k's (frequency divisors: near 1
// for the fast pairs, growing towards the slow ones; the short set stays close to 1).
std::vector<float> longrope_factors(int64_t rot, bool long_set) {
  const int64_t half = rot / 2;
  std::vector<float> f(static_cast<size_t>(half));
  for (int64_t i = 0; i < half; ++i) {
    const float t = half > 1 ? static_cast<float>(i) / static_cast<float>(half - 1) : 0.0f;
    f[static_cast<size_t>(i)] = long_set ? 1.0f + 15.0f * t * t : 1.0f + 0.5f * t;
  }
  return f;
}

// Llama 3.1's frequency divisors, as convert_hf_to_gguf computes them from rope_scaling
// (low_freq_factor 1, high_freq_factor 4): high-frequency pairs (wavelength under
// original/4) keep their speed, low-frequency ones (over the original context) are slowed by
// the factor, the band between is interpolated.
std::vector<float> llama3_rope_freqs(int64_t rot, float base, float factor, int64_t orig_ctx) {
  constexpr double kLow = 1.0, kHigh = 4.0, kPi = 3.14159265358979323846;
  const double old_ctx = static_cast<double>(orig_ctx);
  const double low_wavelen = old_ctx / kLow, high_wavelen = old_ctx / kHigh;
  std::vector<float> f(static_cast<size_t>(rot / 2));
  for (int64_t i = 0; i < rot / 2; ++i) {
    const double freq = std::pow(static_cast<double>(base),
                                 -2.0 * static_cast<double>(i) / static_cast<double>(rot));
    const double wavelen = 2.0 * kPi / freq;
    double d = factor;
    if (wavelen < high_wavelen) {
      d = 1.0;
    } else if (wavelen <= low_wavelen) {
      const double smooth = (old_ctx / wavelen - kLow) / (kHigh - kLow);
      d = 1.0 / ((1.0 - smooth) / factor + smooth);
    }
    f[static_cast<size_t>(i)] = static_cast<float>(d);
  }
  return f;
}

// llama.cpp marks Phi-3's special tokens by looking up <unk>, <s>, </s> and <|endoftext|> in
// any model whose general.name contains "phi3", and fails to load one whose vocabulary lacks
// them (a GPT-2 one): such a phi3 file is named without the architecture.
std::string model_name(const std::string& arch, const model::GgufValue& tokens) {
  if (arch != "phi3") return "tandem-synth-" + arch;
  const auto list = tokens.as_string_list();
  for (const char* t : {"<unk>", "<s>", "</s>", "<|endoftext|>"})
    if (std::find(list.begin(), list.end(), t) == list.end()) return "tandem-synth";
  return "tandem-synth-phi3";
}

}  // namespace

void gemma_defaults(model::ModelConfig& c, int64_t n_swa) {
  const bool g2 = c.arch == "gemma2";
  c.rms_eps = 1e-6f;
  c.post_norms = true;
  c.qk_norm = !g2;
  c.n_swa = n_swa > 0 ? n_swa : (g2 ? 4096 : 1024);
  if (g2) {
    if (c.attn_softcap <= 0.0f) c.attn_softcap = 50.0f;
    if (c.final_softcap <= 0.0f) c.final_softcap = 30.0f;
  }
}

model::ModelConfig shape_preset(const std::string& name) {
  if (name == "tinyllama-1.1b") return make("llama", 2048, 22, 32, 4, 5632, 2048, 10000.0f);
  if (name == "llama-3-8b") return make("llama", 4096, 32, 32, 8, 14336, 8192, 500000.0f);
  if (name == "qwen2.5-0.5b") return make("qwen2", 896, 24, 14, 2, 4864, 32768, 1000000.0f);
  if (name == "qwen3-0.6b") return make("qwen3", 1024, 28, 16, 8, 3072, 40960, 1000000.0f, 128);
  // Qwen3-30B-A3B: 128 experts of width 768, 8 per token.
  if (name == "qwen3-30b-a3b") {
    auto c = make("qwen3moe", 2048, 48, 32, 4, 6144, 40960, 1000000.0f, 128);
    c.n_expert = 128;
    c.n_expert_used = 8;
    c.n_ff_exp = 768;
    return c;
  }
  if (name == "glm-4-9b") return make("glm4", 4096, 40, 32, 2, 13696, 32768, 10000.0f, 128);
  // Phi-3-mini (4k and 128k: LongRoPE over an original 4096 context) and Phi-3-medium (GQA).
  if (name == "phi-3-mini") return make("phi3", 3072, 32, 32, 32, 8192, 4096, 10000.0f);
  if (name == "phi-3-mini-128k") {
    auto c = make("phi3", 3072, 32, 32, 32, 8192, 131072, 10000.0f);
    c.rope_n_ctx_orig = 4096;
    return c;
  }
  if (name == "phi-3-medium") return make("phi3", 5120, 40, 40, 10, 17920, 4096, 10000.0f);
  if (name == "gemma-2-2b") return make("gemma2", 2304, 26, 8, 4, 9216, 8192, 10000.0f, 256);
  if (name == "gemma-2-9b") return make("gemma2", 3584, 42, 16, 8, 14336, 8192, 10000.0f, 256);
  if (name == "gemma-3-1b") {
    auto c = make("gemma3", 1152, 26, 4, 1, 6912, 32768, 1000000.0f, 256);
    c.n_swa = 512;
    return c;
  }
  // Gemma 3 4B's global layers stretch RoPE 8x (linear); its sliding ones do not.
  if (name == "gemma-3-4b")
    return with_rope_scale(make("gemma3", 2560, 34, 8, 4, 10240, 131072, 1000000.0f, 256), 8.0f);
  // The text halves of the multimodal pairs (synth --like smolvlm|gemma3|ultravox).
  if (name == "smollm2-1.7b") return make("llama", 2048, 24, 32, 32, 8192, 8192, 130000.0f);
  if (name == "llama-3.2-1b") return make("llama", 2048, 16, 32, 8, 8192, 131072, 500000.0f, 64);
  // Gemma 3 4B's widths in the llama architecture (no Gemma forward here yet): the same
  // matmul and KV shapes, not Gemma's norms, soft-capping or sliding window.
  if (name == "gemma-3-4b-shape")
    return make("llama", 2560, 34, 8, 4, 10240, 131072, 1000000.0f, 256);
  std::string known;
  for (const auto& n : shape_preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown shape '" + name + "' (known: " + known + ", custom)");
}

std::vector<std::string> shape_preset_names() {
  return {"tinyllama-1.1b", "llama-3-8b",   "qwen2.5-0.5b", "qwen3-0.6b",
          "qwen3-30b-a3b",  "glm-4-9b",     "gemma-2-2b",   "gemma-2-9b",
          "gemma-3-1b",     "gemma-3-4b",   "phi-3-mini",   "phi-3-mini-128k",
          "phi-3-medium",   "smollm2-1.7b", "llama-3.2-1b", "gemma-3-4b-shape"};
}

SynthReport synth_model(const SynthOptions& opt, const std::string& out_path) {
  model::ModelConfig c = opt.shape;
  if (!supported_arch(c.arch))
    throw std::invalid_argument("unsupported architecture '" + c.arch + "' (supported: " + kArchs +
                                ")");
  if (c.n_rot == 0) c.n_rot = c.head_dim;
  if (c.n_embd <= 0 || c.n_layer <= 0 || c.n_head <= 0 || c.n_head_kv <= 0 || c.n_ff <= 0 ||
      c.head_dim <= 0 || c.n_head % c.n_head_kv != 0 || c.head_dim % 2 != 0 || c.n_rot < 2 ||
      c.n_rot > c.head_dim || c.n_rot % 2 != 0)
    throw std::invalid_argument("invalid model dimensions");
  const bool glm4 = c.arch == "glm4";
  const bool phi3 = c.arch == "phi3";
  // Phi-3 checkpoints always fuse Q/K/V (no biases) and gate/up.
  const bool fused_qkv = opt.fused_qkv || phi3;
  const bool rope_factors = opt.rope_factors || (phi3 && c.rope_n_ctx_orig > 0);
  if (rope_factors && !phi3) throw std::invalid_argument("--rope-factors is for phi3 (LongRoPE)");
  if (phi3 && c.rope_freq_scale != 1.0f)
    throw std::invalid_argument("phi3 scales RoPE with LongRoPE factors (--rope-factors)");
  if (rope_factors && c.rope_n_ctx_orig <= 0) c.rope_n_ctx_orig = c.n_ctx_train;
  const bool llama3_freqs = opt.llama3_rope_factor > 0.0f;
  if (llama3_freqs && (c.arch != "llama" || c.rope_freq_scale != 1.0f || c.rope_n_ctx_orig <= 0))
    throw std::invalid_argument(
        "Llama 3.1 rope_freqs are for llama without other RoPE scaling and need an original "
        "context");
  const bool gemma = c.arch == "gemma2" || c.arch == "gemma3";
  const bool moe = c.arch == "qwen2moe" || c.arch == "qwen3moe";
  if (moe) {
    if (c.n_ff_exp <= 0 && c.n_expert_used > 0) c.n_ff_exp = c.n_ff / c.n_expert_used;
    if (c.n_expert < 1 || c.n_expert_used < 1 || c.n_expert_used > c.n_expert || c.n_ff_exp < 1)
      throw std::invalid_argument(c.arch +
                                  " needs --experts >= 1, 1 <= --experts-used <= --experts and "
                                  "an expert width");
    // qwen2moe's shared expert: --ff-shexp, else feed_forward_length (llama.cpp's default).
    if (c.arch == "qwen2moe" && c.n_ff_shexp <= 0) c.n_ff_shexp = c.n_ff;
  } else if (c.n_expert > 0) {
    throw std::invalid_argument("--experts is for qwen2moe or qwen3moe");
  }
  if (gemma && c.n_swa <= 0) throw std::invalid_argument("gemma needs a sliding window > 0");
  // llama.cpp finds K and V in a fused attn_qkv at n_embd and n_embd + kv_dim.
  if (fused_qkv && ((!glm4 && !phi3) || c.q_dim() != c.n_embd))
    throw std::invalid_argument("--fused-qkv is for glm4 or phi3 with heads x head size = dim");
  if (opt.type != "Q4_K_M") {
    const GgmlType t = model::parse_type_name(opt.type);
    if (!kernels::can_quantize(t))
      throw std::invalid_argument("synth cannot write type " + opt.type);
  }
  if (opt.vocab_from.empty()) throw std::invalid_argument("--vocab-from VOCAB.gguf is required");
  const auto vocab = model::GgufFile::open(opt.vocab_from);
  const auto* tokens = vocab.find("tokenizer.ggml.tokens");
  if (!tokens || !tokens->is_array())
    throw vocab.error("has no tokenizer.ggml.tokens array (not a vocabulary file)");
  c.n_vocab = static_cast<int64_t>(tokens->as_array().items.size());

  model::GgufWriter w;
  const std::string a = c.arch + ".";
  w.set_string("general.architecture", c.arch);
  w.set_string("general.name", model_name(c.arch, *tokens));
  w.set_string("general.tandem.note", "random weights, for speed measurements only");
  if (const int64_t ftype = model::file_type_number(opt.type); ftype >= 0)
    w.set_u32("general.file_type", static_cast<uint32_t>(ftype));
  w.set_u32(a + "context_length", static_cast<uint32_t>(c.n_ctx_train));
  w.set_u32(a + "embedding_length", static_cast<uint32_t>(c.n_embd));
  w.set_u32(a + "block_count", static_cast<uint32_t>(c.n_layer));
  w.set_u32(a + "feed_forward_length", static_cast<uint32_t>(c.n_ff));
  w.set_u32(a + "attention.head_count", static_cast<uint32_t>(c.n_head));
  w.set_u32(a + "attention.head_count_kv", static_cast<uint32_t>(c.n_head_kv));
  w.set_u32(a + "attention.key_length", static_cast<uint32_t>(c.head_dim));
  w.set_u32(a + "attention.value_length", static_cast<uint32_t>(c.head_dim));
  w.set_u32(a + "rope.dimension_count", static_cast<uint32_t>(c.n_rot));
  w.set_f32(a + "rope.freq_base", c.rope_freq_base);
  if (c.rope_freq_scale != 1.0f) {
    w.set_string(a + "rope.scaling.type", c.rope_yarn ? "yarn" : "linear");
    w.set_f32(a + "rope.scaling.factor", 1.0f / c.rope_freq_scale);
    if (c.rope_yarn)
      w.set_u32(a + "rope.scaling.original_context_length",
                static_cast<uint32_t>(c.rope_n_ctx_orig));
  }
  if (rope_factors) {
    // As convert_hf_to_gguf writes Phi-3-128k: the original context and LongRoPE's attention
    // factor sqrt(1 + ln(scale) / ln(original)).
    w.set_u32(a + "rope.scaling.original_context_length", static_cast<uint32_t>(c.rope_n_ctx_orig));
    const double scale =
        static_cast<double>(c.n_ctx_train) / static_cast<double>(c.rope_n_ctx_orig);
    const double attn =
        scale <= 1.0
            ? 1.0
            : std::sqrt(1.0 + std::log(scale) / std::log(static_cast<double>(c.rope_n_ctx_orig)));
    w.set_f32(a + "rope.scaling.attn_factor", static_cast<float>(attn));
  }
  w.set_f32(a + "attention.layer_norm_rms_epsilon", c.rms_eps);
  if (moe) {
    w.set_u32(a + "expert_count", static_cast<uint32_t>(c.n_expert));
    w.set_u32(a + "expert_used_count", static_cast<uint32_t>(c.n_expert_used));
    w.set_u32(a + "expert_feed_forward_length", static_cast<uint32_t>(c.n_ff_exp));
    if (c.n_ff_shexp > 0)
      w.set_u32(a + "expert_shared_feed_forward_length", static_cast<uint32_t>(c.n_ff_shexp));
  }
  if (gemma) w.set_u32(a + "attention.sliding_window", static_cast<uint32_t>(c.n_swa));
  if (c.arch == "gemma2") {
    w.set_f32(a + "attn_logit_softcapping", c.attn_softcap);
    w.set_f32(a + "final_logit_softcapping", c.final_softcap);
  }
  for (const auto& [k, v] : vocab.metadata())
    if (k.rfind("tokenizer.", 0) == 0) w.set(k, v);

  auto pool = std::make_shared<kernels::ThreadPool>(std::max(1, opt.threads));
  SynthReport report;
  size_t total = 0;
  struct Planned {
    std::string name;
    GgmlType type;
    std::vector<int64_t> dims;
    float scale;
    bool is_norm;
    std::vector<float> values;  // fixed contents (LongRoPE factors) instead of random ones
  };
  std::vector<Planned> plan;
  // n_expert > 0: a stack of that many matrices, [n_in, n_out, n_expert], as llama.cpp's *_exps.
  auto plan_matrix = [&](const std::string& name, int64_t n_in, int64_t n_out, int64_t layer,
                         int64_t n_expert = 0) {
    const GgmlType want = tensor_type(opt.type, name, layer, c.n_layer);
    const GgmlType t = fitting_type(want, n_in);
    if (t != want)
      report.fallbacks.push_back(name + ": " + std::string(model::type_name(want)) + " -> " +
                                 std::string(model::type_name(t)) + " (rows of " +
                                 std::to_string(n_in) + " are not whole blocks)");
    std::vector<int64_t> dims{n_in, n_out};
    if (n_expert > 0) dims.push_back(n_expert);
    plan.push_back({name, t, dims, 1.0f / std::sqrt(static_cast<float>(n_in)), false, {}});
  };
  auto plan_vector = [&](const std::string& name, int64_t n, bool norm) {
    plan.push_back({name, GgmlType::F32, {n}, norm ? 1.0f : 0.02f, norm, {}});
  };
  plan_matrix("token_embd.weight", c.n_embd, c.n_vocab, 0);
  if (rope_factors)
    for (const bool long_set : {true, false})
      plan.push_back({long_set ? "rope_factors_long.weight" : "rope_factors_short.weight",
                      GgmlType::F32,
                      {c.n_rot / 2},
                      1.0f,
                      false,
                      longrope_factors(c.n_rot, long_set)});
  if (llama3_freqs)
    plan.push_back(
        {"rope_freqs.weight",
         GgmlType::F32,
         {c.n_rot / 2},
         1.0f,
         false,
         llama3_rope_freqs(c.n_rot, c.rope_freq_base, opt.llama3_rope_factor, c.rope_n_ctx_orig)});
  for (int64_t l = 0; l < c.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    plan_vector(p + "attn_norm.weight", c.n_embd, true);
    if (fused_qkv) {
      plan_matrix(p + "attn_qkv.weight", c.n_embd, c.q_dim() + 2 * c.kv_dim(), l);
      if (glm4) plan_vector(p + "attn_qkv.bias", c.q_dim() + 2 * c.kv_dim(), false);
    } else {
      plan_matrix(p + "attn_q.weight", c.n_embd, c.q_dim(), l);
      plan_matrix(p + "attn_k.weight", c.n_embd, c.kv_dim(), l);
      plan_matrix(p + "attn_v.weight", c.n_embd, c.kv_dim(), l);
    }
    // GLM-4-0414 has Q/K/V biases (attention_bias) as Qwen2 does.
    if (c.arch == "qwen2" || c.arch == "qwen2moe" || (glm4 && !opt.fused_qkv)) {
      plan_vector(p + "attn_q.bias", c.q_dim(), false);
      plan_vector(p + "attn_k.bias", c.kv_dim(), false);
      plan_vector(p + "attn_v.bias", c.kv_dim(), false);
    }
    if (c.arch == "qwen3" || c.arch == "qwen3moe" || c.arch == "gemma3") {
      plan_vector(p + "attn_q_norm.weight", c.head_dim, true);
      plan_vector(p + "attn_k_norm.weight", c.head_dim, true);
    }
    plan_matrix(p + "attn_output.weight", c.q_dim(), c.n_embd, l);
    if (glm4 || gemma) plan_vector(p + "post_attention_norm.weight", c.n_embd, true);
    plan_vector(p + "ffn_norm.weight", c.n_embd, true);
    if (moe) {
      // The router stays F32 whatever the file type, as llama-quantize leaves ffn_gate_inp.
      plan.push_back({p + "ffn_gate_inp.weight",
                      GgmlType::F32,
                      {c.n_embd, c.n_expert},
                      1.0f / std::sqrt(static_cast<float>(c.n_embd)),
                      false,
                      {}});
      plan_matrix(p + "ffn_gate_exps.weight", c.n_embd, c.n_ff_exp, l, c.n_expert);
      plan_matrix(p + "ffn_up_exps.weight", c.n_embd, c.n_ff_exp, l, c.n_expert);
      plan_matrix(p + "ffn_down_exps.weight", c.n_ff_exp, c.n_embd, l, c.n_expert);
      if (c.n_ff_shexp > 0) {  // qwen2moe's shared expert and its gate (a vector, F32)
        plan.push_back({p + "ffn_gate_inp_shexp.weight",
                        GgmlType::F32,
                        {c.n_embd},
                        1.0f / std::sqrt(static_cast<float>(c.n_embd)),
                        false,
                        {}});
        plan_matrix(p + "ffn_gate_shexp.weight", c.n_embd, c.n_ff_shexp, l);
        plan_matrix(p + "ffn_up_shexp.weight", c.n_embd, c.n_ff_shexp, l);
        plan_matrix(p + "ffn_down_shexp.weight", c.n_ff_shexp, c.n_embd, l);
      }
    } else if (glm4 || phi3) {
      plan_matrix(p + "ffn_up.weight", c.n_embd, 2 * c.n_ff, l);  // gate rows, then up rows
    } else {
      plan_matrix(p + "ffn_gate.weight", c.n_embd, c.n_ff, l);
      plan_matrix(p + "ffn_up.weight", c.n_embd, c.n_ff, l);
    }
    if (!moe) plan_matrix(p + "ffn_down.weight", c.n_ff, c.n_embd, l);
    if (glm4 || gemma) plan_vector(p + "post_ffw_norm.weight", c.n_embd, true);
  }
  plan_vector("output_norm.weight", c.n_embd, true);
  // Gemma checkpoints always tie the output to the embedding.
  if (!opt.tied_output && !gemma) plan_matrix("output.weight", c.n_embd, c.n_vocab, c.n_layer);

  // Rows of a tensor: every dimension past the first (a stack of expert matrices has 3).
  auto n_rows = [](const std::vector<int64_t>& dims) {
    int64_t r = 1;
    for (size_t i = 1; i < dims.size(); ++i) r *= dims[i];
    return r;
  };
  for (const auto& t : plan) {
    const int64_t cols = t.dims[0], rows = n_rows(t.dims);
    total += model::row_bytes(t.type, cols) * static_cast<size_t>(rows);
  }
  auto done = std::make_shared<size_t>(0);
  for (const auto& t : plan) {
    const uint64_t seed = hash_name(t.name, opt.seed);
    const auto progress = opt.progress;
    w.add_tensor_lazy(
        t.name, t.type, t.dims,
        [t, seed, pool, done, total, progress, n_rows](std::span<uint8_t> out) {
          const int64_t cols = t.dims[0], rows = n_rows(t.dims);
          const size_t rb = model::row_bytes(t.type, cols);
          pool->parallel_for(rows, [&](int64_t begin, int64_t end, int) {
            std::vector<float> row(static_cast<size_t>(cols));
            for (int64_t r = begin; r < end; ++r) {
              if (!t.values.empty()) {
                kernels::quantize(t.type, t.values.data(), out.data() + static_cast<size_t>(r) * rb,
                                  cols);
                continue;
              }
              uint64_t s = mix(seed + static_cast<uint64_t>(r));
              for (auto& x : row) {
                s = mix(s);
                const float u = static_cast<float>((s >> 40) * 0x1.0p-24) * 2.0f - 1.0f;  // [-1, 1)
                x = t.is_norm ? 1.0f + 0.1f * u : t.scale * std::sqrt(3.0f) * u;
              }
              kernels::quantize(t.type, row.data(), out.data() + static_cast<size_t>(r) * rb, cols);
            }
          });
          *done += out.size();
          if (progress) progress(*done, total, t.name);
        });
  }
  w.write(out_path);
  report.bytes = total;
  report.n_params = c.n_params(opt.tied_output || gemma);
  return report;
}

}  // namespace tandem::convert
