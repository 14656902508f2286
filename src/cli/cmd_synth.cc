// tandem synth: write a random-weight model of a real shape (for speed measurements).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "convert/synth_mmproj.h"
#include "convert/synth_model.h"

namespace tandem::cli {
namespace {

struct SynthCli {
  std::string like = "tinyllama-1.1b";
  std::string arch = "llama";
  int64_t dim = 0, layers = 0, heads = 0, kv_heads = 0, ff = 0, head_dim = 0, ctx = 2048;
  int64_t rope_dims = 0;
  int64_t sliding_window = 0;
  float attn_softcap = 0.0f, final_softcap = 0.0f;
  float rope_base = 10000.0f;
  std::string rope_scaling = "none";
  float rope_factor = 1.0f;
  int64_t rope_orig_ctx = 0;
  int64_t experts = 0, experts_used = 0, ff_exp = 0, ff_shexp = 0;
  convert::SynthOptions opt;
  std::string out;
  int threads = 0;
  // The mmproj (vision and/or audio projector) file, written with or instead of the
  // language model.
  std::string mmproj_out;
  convert::MmprojSynthOptions mm;
  std::string vision = "tiny";
  std::string audio = "tiny";
};

int write_mmproj(SynthCli& s) {
  s.mm.shape = convert::vision_preset(s.vision);
  s.mm.audio = convert::audio_preset(s.audio);
  if (s.mm.n_embd_text <= 0) s.mm.n_embd_text = s.opt.shape.n_embd;  // the LM's width
  s.mm.seed = s.opt.seed;
  const auto r = convert::synth_mmproj(s.mm, s.mmproj_out);
  for (const auto& f : r.fallbacks) fmt::print(stderr, "fallback: {}\n", f);
  std::string towers = r.vision ? s.vision + " vision" : "";
  if (r.audio) towers += (towers.empty() ? "" : " + ") + s.audio + " audio";
  fmt::print(stderr, "wrote {}: {} projector on {} tower, {} parameters, {:.1f} MiB of tensors\n",
             s.mmproj_out, s.mm.projector, towers, r.n_params,
             static_cast<double>(r.bytes) / (1 << 20));
  return 0;
}

// A multimodal pair of real shapes: the text model's preset and its mmproj.
struct PairPreset {
  const char* like;
  const char* text_shape;
  const char* projector;
  const char* vision;
  const char* audio;
};
// SmolVLM-Instruct (2.2B): SmolLM2-1.7B + SigLIP so400m at 384 px, idefics3 shuffle 3.
// Gemma 3 4B: its widths (llama architecture) + SigLIP so400m at 896 px, pooled 4 x 4.
// Ultravox v0.5 (Llama 3.2 1B): Whisper large-v3's encoder + the stacked-frame SwiGLU MLP.
constexpr PairPreset kPairs[] = {
    {"smolvlm", "smollm2-1.7b", "idefics3", "siglip-400m-384", "tiny"},
    {"gemma3", "gemma-3-4b-shape", "gemma3", "siglip-400m-896", "tiny"},
    {"ultravox", "llama-3.2-1b", "ultravox", "tiny", "whisper-large"},
};

const PairPreset* pair_preset(const std::string& like) {
  for (const auto& p : kPairs)
    if (like == p.like) return &p;
  return nullptr;
}

int run_synth(SynthCli& s) {
  if (const PairPreset* pair = pair_preset(s.like)) {
    if (s.mmproj_out.empty())
      throw std::invalid_argument("--like " + s.like +
                                  " writes a pair: give --mmproj-out FILE (and -o MODEL.gguf)");
    s.like = pair->text_shape;
    s.mm.projector = pair->projector;
    s.vision = pair->vision;
    s.audio = pair->audio;
    s.mm.n_embd_text = 0;  // the text model's width
  }
  if (s.like == "custom") {
    if (s.dim <= 0 || s.layers <= 0 || s.heads <= 0 || s.ff <= 0)
      throw std::invalid_argument("--like custom needs --dim, --layers, --heads and --ff");
    auto& c = s.opt.shape;
    c.arch = s.arch;
    c.n_embd = s.dim;
    c.n_layer = s.layers;
    c.n_head = s.heads;
    c.n_head_kv = s.kv_heads > 0 ? s.kv_heads : s.heads;
    c.n_ff = s.ff;
    c.head_dim = s.head_dim > 0 ? s.head_dim : s.dim / s.heads;
    // GLM-4 rotates half of each head by default, as its checkpoints do.
    c.n_rot = s.rope_dims > 0 ? s.rope_dims : (s.arch == "glm4" ? c.head_dim / 2 : c.head_dim);
    c.n_ctx_train = s.ctx;
    c.rope_freq_base = s.rope_base;
    c.rms_eps = s.arch == "glm4" || s.arch == "phi3" ? 1e-5f : 1e-6f;
    if (s.rope_scaling == "llama3") {
      s.opt.llama3_rope_factor = s.rope_factor;
      c.rope_n_ctx_orig = s.rope_orig_ctx > 0 ? s.rope_orig_ctx : s.ctx;
    } else if (s.rope_scaling != "none") {
      c.rope_freq_scale = 1.0f / s.rope_factor;
      c.rope_yarn = s.rope_scaling == "yarn";
      c.rope_n_ctx_orig = s.rope_orig_ctx > 0 ? s.rope_orig_ctx : s.ctx;
    }
    // phi3 LongRoPE: the factors switch at --rope-orig-ctx.
    if (s.opt.rope_factors) c.rope_n_ctx_orig = s.rope_orig_ctx > 0 ? s.rope_orig_ctx : s.ctx;
    c.n_expert = s.experts;
    c.n_expert_used = s.experts_used;
    c.n_ff_exp = s.ff_exp;      // 0: --ff / --experts-used, as llama.cpp defaults it
    c.n_ff_shexp = s.ff_shexp;  // qwen2moe; 0: --ff
    if (s.arch == "gemma2" || s.arch == "gemma3") {
      c.attn_softcap = s.attn_softcap;
      c.final_softcap = s.final_softcap;
      convert::gemma_defaults(c, s.sliding_window);
    }
  } else {
    s.opt.shape = convert::shape_preset(s.like);
    // The small Qwen checkpoints tie their output; Qwen3-30B-A3B does not.
    if (s.like.rfind("qwen", 0) == 0 && s.opt.shape.n_expert == 0) s.opt.tied_output = true;
  }
  if (s.out.empty() && s.mmproj_out.empty())
    throw std::invalid_argument("nothing to write: give -o MODEL.gguf and/or --mmproj-out FILE");
  if (!s.mmproj_out.empty()) write_mmproj(s);
  if (s.out.empty()) return 0;
  if (s.opt.vocab_from.empty())
    throw std::invalid_argument("--vocab-from VOCAB.gguf is required to write a language model");
  s.opt.threads = s.threads > 0 ? s.threads : 2;
  ProgressBar bar("synth " + s.out);
  s.opt.progress = [&bar](size_t done, size_t total, const std::string& name) {
    bar.update(done, total, name);
  };
  const auto r = convert::synth_model(s.opt, s.out);
  bar.finish();
  for (const auto& f : r.fallbacks) fmt::print(stderr, "fallback: {}\n", f);
  fmt::print(stderr, "wrote {}: {} {} parameters, {:.1f} MiB of tensors\n", s.out, s.opt.shape.arch,
             r.n_params, static_cast<double>(r.bytes) / (1 << 20));
  return 0;
}

}  // namespace

CommandAction register_synth(CLI::App& app) {
  auto s = std::make_shared<SynthCli>();
  auto* cmd =
      app.add_subcommand("synth", "Write a random-weight model of a real shape (speed work)");
  std::string presets;
  for (const auto& n : convert::shape_preset_names()) presets += n + "|";
  cmd->add_option("--like", s->like,
                  "Shape: " + presets +
                      "custom; or a multimodal pair, --mmproj-out FILE with or without -o: smolvlm "
                      "(SmolLM2-1.7B + SigLIP-400M 384 px, idefics3), gemma3 (Gemma 3 4B's "
                      "widths as a llama model + SigLIP-400M 896 px), ultravox (Llama 3.2 1B + "
                      "Whisper-large encoder)")
      ->capture_default_str();
  cmd->add_option(
         "--type", s->opt.type,
         "F32|F16|BF16|Q8_0|Q6_K|Q5_K|Q5_1|Q5_0|Q4_K|Q4_K_M|Q4_1|Q4_0|IQ4_NL|IQ4_XS|Q3_K|Q2_K")
      ->capture_default_str();
  cmd->add_option("--vocab-from", s->opt.vocab_from,
                  "GGUF file whose tokenizer is copied (needed with -o)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", s->out, "Output GGUF path of the language model");
  cmd->add_option("-s,--seed", s->opt.seed, "Seed of the random weights")->capture_default_str();
  cmd->add_option("-t,--threads", s->threads, "Threads (default 2)");
  cmd->add_option("--arch", s->arch,
                  "custom: llama|qwen2|qwen3|qwen2moe|qwen3moe|glm4|gemma2|gemma3|phi3")
      ->capture_default_str();
  cmd->add_option("--dim", s->dim, "custom: embedding size");
  cmd->add_option("--layers", s->layers, "custom: layer count");
  cmd->add_option("--heads", s->heads, "custom: attention heads");
  cmd->add_option("--kv-heads", s->kv_heads, "custom: key/value heads (default: heads)");
  cmd->add_option("--ff", s->ff, "custom: feed-forward size");
  cmd->add_option("--head-dim", s->head_dim, "custom: head size (default dim/heads)");
  cmd->add_option("--experts", s->experts,
                  "custom qwen2moe/qwen3moe: experts per layer (expert_count)");
  cmd->add_option("--experts-used", s->experts_used,
                  "custom qwen2moe/qwen3moe: experts each token runs (expert_used_count)");
  cmd->add_option("--ff-exp", s->ff_exp,
                  "custom qwen2moe/qwen3moe: expert width, expert_feed_forward_length (default "
                  "--ff / --experts-used)");
  cmd->add_option("--ff-shexp", s->ff_shexp,
                  "custom qwen2moe: the shared expert's width, "
                  "expert_shared_feed_forward_length (default --ff)");
  cmd->add_option("--rope-dims", s->rope_dims,
                  "custom: rope.dimension_count, the rotated dims of a head (default: the head "
                  "size; glm4 half of it)");
  cmd->add_flag(
      "--fused-qkv", s->opt.fused_qkv,
      "glm4: write one attn_qkv tensor (and bias) instead of attn_q/k/v (phi3 always does)");
  cmd->add_flag("--rope-factors", s->opt.rope_factors,
                "phi3: LongRoPE factor tensors (long/short) switching at --rope-orig-ctx");
  cmd->add_option("--sliding-window", s->sliding_window,
                  "custom gemma2/gemma3: attention.sliding_window, the keys a sliding layer sees "
                  "(default 4096 / 1024)");
  cmd->add_option("--attn-softcap", s->attn_softcap,
                  "custom gemma2: attn_logit_softcapping (default 50)");
  cmd->add_option("--final-softcap", s->final_softcap,
                  "custom gemma2: final_logit_softcapping (default 30)");
  cmd->add_option("--ctx", s->ctx, "custom: training context length")->capture_default_str();
  cmd->add_option("--rope-base", s->rope_base, "custom: RoPE base")->capture_default_str();
  cmd->add_option("--rope-scaling", s->rope_scaling,
                  "custom: RoPE scaling none|linear|yarn|llama3 (llama3: Llama 3.1's "
                  "rope_freqs.weight tensor from --rope-factor and --rope-orig-ctx)")
      ->check(CLI::IsMember({"none", "linear", "yarn", "llama3"}))
      ->capture_default_str();
  cmd->add_option("--rope-factor", s->rope_factor,
                  "custom: rope.scaling.factor (context extension; with --rope-scaling)")
      ->check(CLI::Range(1.0f, 1024.0f))
      ->capture_default_str();
  cmd->add_option("--rope-orig-ctx", s->rope_orig_ctx,
                  "custom: rope.scaling.original_context_length of yarn, llama3 or phi3 LongRoPE "
                  "(default --ctx)");
  cmd->add_flag("--tied", s->opt.tied_output, "Share the embedding as output projection");
  std::string towers;
  for (const auto& n : convert::vision_preset_names()) towers += (towers.empty() ? "" : "|") + n;
  cmd->add_option("--mmproj-out", s->mmproj_out,
                  "Also (or only) write a random-weight mmproj GGUF (vision and/or audio "
                  "projector, llama.cpp layout) to this path");
  cmd->add_option("--projector", s->mm.projector,
                  "mmproj: vision mlp (LLaVA)|idefics3 (SmolVLM)|gemma3|gated (Tandem's gated "
                  "fusion), audio ultravox|qwen2a "
                  "(Qwen2-Audio), or one of each as V,A (a file with both encoders)")
      ->capture_default_str();
  cmd->add_option("--vision", s->vision,
                  "mmproj: vision tower shape: " + towers +
                      " (tiny: tests; siglip-400m-384: SigLIP so400m, patch 14, 384 px)")
      ->capture_default_str();
  std::string ears;
  for (const auto& n : convert::audio_preset_names()) ears += (ears.empty() ? "" : "|") + n;
  cmd->add_option("--audio", s->audio,
                  "mmproj: audio encoder shape: " + ears +
                      " (tiny: tests; whisper-large: Whisper large-v3's encoder, 1280 wide, 32 "
                      "layers, 128 mel bins; ultravox stacks 8 frames into a 4096-wide SwiGLU)")
      ->capture_default_str();
  cmd->add_option("--mmproj-type", s->mm.type, "mmproj: matrix type F32|F16|Q8_0")
      ->capture_default_str();
  cmd->add_option("--n-embd-text", s->mm.n_embd_text,
                  "mmproj: projector output width (default: the language model's n_embd)");
  return [s]() { return run_synth(*s); };
}

}  // namespace tandem::cli
