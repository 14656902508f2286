#include "convert/synth_mmproj.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "convert/synth_mmproj_builder.h"

namespace tandem::convert {
namespace {

using detail::Builder;
using detail::Init;

VisionShape make(int64_t image, int64_t patch, int64_t embd, int64_t ff, int64_t layers,
                 int64_t heads, int64_t scale, int64_t preproc) {
  VisionShape s;
  s.image_size = image;
  s.patch_size = patch;
  s.n_embd = embd;
  s.n_ff = ff;
  s.n_layer = layers;
  s.n_head = heads;
  s.scale_factor = scale;
  s.preproc_image_size = preproc;
  return s;
}

}  // namespace

VisionShape vision_preset(const std::string& name) {
  if (name == "tiny") return make(32, 4, 32, 48, 3, 2, 0, 64);
  if (name == "siglip-400m-384") return make(384, 14, 1152, 4304, 27, 16, 3, 768);
  if (name == "siglip-400m-896") return make(896, 14, 1152, 4304, 27, 16, 4, 1792);
  std::string known;
  for (const auto& n : vision_preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown vision shape '" + name + "' (known: " + known + ")");
}

std::vector<std::string> vision_preset_names() {
  return {"tiny", "siglip-400m-384", "siglip-400m-896"};
}

namespace {

bool is_audio_projector(const std::string& p) {
  return p == "ultravox" || p == "qwen2a";
}

// The vision tower and its projector (v.* and mm.* tensors, clip.vision.* keys).
void write_vision(model::GgufWriter& w, Builder& b, const MmprojSynthOptions& opt,
                  const std::string& proj, bool mixed) {
  const VisionShape& v = opt.shape;
  if (proj != "mlp" && proj != "idefics3" && proj != "gemma3" && proj != "gated")
    throw std::invalid_argument("synth cannot write projector '" + proj +
                                "' (supported: mlp, idefics3, gemma3, gated, ultravox, qwen2a)");
  if (v.n_embd <= 0 || v.n_head <= 0 || v.n_embd % v.n_head || v.n_ff <= 0 || v.n_layer <= 0 ||
      v.patch_size <= 0 || v.image_size < v.patch_size)
    throw std::invalid_argument("invalid vision shape");
  const bool clip = proj == "mlp";  // CLIP tower (LLaVA) vs SigLIP (idefics3, gemma3)
  const int64_t n = v.n_embd, side = v.image_size / v.patch_size, n_text = opt.n_embd_text;
  // idefics3 shuffles s x s patches into one; gemma3 pools k x k (llama.cpp's default 4).
  const int64_t scale = v.scale_factor > 0 ? v.scale_factor : (proj == "gemma3" ? 4 : 2);
  if (proj == "idefics3" && side % scale != 0)
    throw std::invalid_argument("idefics3: " + std::to_string(side) +
                                " patches per side are not a multiple of the scale factor " +
                                std::to_string(scale));

  w.set_bool("clip.has_vision_encoder", true);
  if (clip) w.set_bool("clip.has_llava_projector", true);
  w.set_string(mixed ? "clip.vision.projector_type" : "clip.projector_type", proj);
  w.set_bool("clip.use_gelu", !clip);  // SigLIP: gelu (tanh); CLIP: quick_gelu
  w.set_u32("clip.vision.image_size", static_cast<uint32_t>(v.image_size));
  w.set_u32("clip.vision.patch_size", static_cast<uint32_t>(v.patch_size));
  w.set_u32("clip.vision.embedding_length", static_cast<uint32_t>(n));
  w.set_u32("clip.vision.feed_forward_length", static_cast<uint32_t>(v.n_ff));
  w.set_u32("clip.vision.block_count", static_cast<uint32_t>(v.n_layer));
  w.set_u32("clip.vision.attention.head_count", static_cast<uint32_t>(v.n_head));
  w.set_f32("clip.vision.attention.layer_norm_epsilon", clip ? 1e-5f : v.eps);
  w.set_u32("clip.vision.projection_dim", static_cast<uint32_t>(n_text));
  if (clip) {  // OpenAI CLIP's normalisation
    w.set_f32_array("clip.vision.image_mean", {0.48145466f, 0.4578275f, 0.40821073f});
    w.set_f32_array("clip.vision.image_std", {0.26862954f, 0.26130258f, 0.27577711f});
  } else {
    w.set_f32_array("clip.vision.image_mean", {0.5f, 0.5f, 0.5f});
    w.set_f32_array("clip.vision.image_std", {0.5f, 0.5f, 0.5f});
  }
  if (proj == "idefics3") {
    w.set_u32("clip.vision.projector.scale_factor", static_cast<uint32_t>(scale));
    const int64_t longest = v.preproc_image_size > 0 ? v.preproc_image_size : 2 * v.image_size;
    w.set_u32("clip.vision.preproc_image_size", static_cast<uint32_t>(longest));
  }
  if (proj == "gemma3" && scale != 4)  // llama.cpp's converter writes it only when not 4
    w.set_u32("clip.vision.projector.scale_factor", static_cast<uint32_t>(scale));

  const Init bias{0.0f, 0.05f}, norm{1.0f, 0.1f}, norm_bias{0.0f, 0.05f};
  const int64_t p = v.patch_size;
  b.dense("v.patch_embd.weight", {p, p, 3, n},
          {0.0f, 1.0f / std::sqrt(static_cast<float>(3 * p * p))});
  if (!clip) b.vector("v.patch_embd.bias", n, bias);
  if (clip) b.vector("v.class_embd", n, {0.0f, 0.5f});
  b.dense("v.position_embd.weight", {n, side * side + (clip ? 1 : 0)}, {0.0f, 0.5f});
  if (clip) {
    b.vector("v.pre_ln.weight", n, norm);
    b.vector("v.pre_ln.bias", n, norm_bias);
  }
  for (int64_t il = 0; il < v.n_layer; ++il) {
    const std::string l = "v.blk." + std::to_string(il) + ".";
    b.vector(l + "ln1.weight", n, norm);
    b.vector(l + "ln1.bias", n, norm_bias);
    for (const char* m : {"attn_q", "attn_k", "attn_v", "attn_out"}) {
      b.matrix(l + m + ".weight", n, n);
      b.vector(l + m + ".bias", n, bias);
    }
    b.vector(l + "ln2.weight", n, norm);
    b.vector(l + "ln2.bias", n, norm_bias);
    b.matrix(l + "ffn_up.weight", n, v.n_ff);
    b.vector(l + "ffn_up.bias", v.n_ff, bias);
    b.matrix(l + "ffn_down.weight", v.n_ff, n);
    b.vector(l + "ffn_down.bias", n, bias);
  }
  if (!clip) {  // SigLIP's post_layernorm (LLaVA reads a hidden state before it)
    b.vector("v.post_ln.weight", n, norm);
    b.vector("v.post_ln.bias", n, norm_bias);
  }
  if (proj == "mlp" || proj == "gated") {
    b.matrix("mm.0.weight", n, n_text);
    b.vector("mm.0.bias", n_text, bias);
    b.matrix("mm.2.weight", n_text, n_text);
    b.vector("mm.2.bias", n_text, bias);
    if (proj == "gated") {  // the gate starts spread around 0.5; the text row is embedding-sized
      b.matrix("mm.gate.weight", n, n_text);
      b.vector("mm.gate.bias", n_text, bias);
      b.vector("mm.text.weight", n_text, {0.0f, 0.5f});
    }
  } else if (proj == "idefics3") {
    b.matrix("mm.model.fc.weight", n * scale * scale, n_text);
  } else {
    // Stored un-transposed: ne = [n_text, n_embd]; the norm already holds Gemma's 1 + w.
    b.dense("mm.input_projection.weight", {n_text, n},
            {0.0f, 1.0f / std::sqrt(static_cast<float>(n))});
    b.vector("mm.soft_emb_norm.weight", n, norm);
  }
}

}  // namespace

MmprojSynthReport synth_mmproj(const MmprojSynthOptions& opt, const std::string& out_path) {
  // "gemma3" / "ultravox" / "gemma3,ultravox": at most one vision and one audio projector.
  std::string vision, audio;
  for (size_t from = 0; from <= opt.projector.size();) {
    const size_t comma = std::min(opt.projector.find(',', from), opt.projector.size());
    const std::string p = opt.projector.substr(from, comma - from);
    std::string& slot = is_audio_projector(p) ? audio : vision;
    if (p.empty() || !slot.empty())
      throw std::invalid_argument("--projector '" + opt.projector +
                                  "': give one projector, or one vision and one audio projector "
                                  "separated by a comma");
    slot = p;
    from = comma + 1;
  }
  if (opt.type != "F32" && opt.type != "F16" && opt.type != "Q8_0")
    throw std::invalid_argument("mmproj weights must be F32, F16 or Q8_0, not " + opt.type);
  if (opt.n_embd_text <= 0)
    throw std::invalid_argument("the projector output width (the text model's n_embd) is needed");
  const bool mixed = !vision.empty() && !audio.empty();

  model::GgufWriter w;
  w.set_string("general.architecture", "clip");
  w.set_string("general.name", "tandem-synth-mmproj-" + opt.projector);
  w.set_string("general.description", "random weights, for tests and speed measurements only");
  w.set_bool("clip.has_text_encoder", false);
  MmprojSynthReport report;
  Builder b(w, opt, report);
  if (!vision.empty()) write_vision(w, b, opt, vision, mixed);
  if (!audio.empty()) detail::write_audio(w, b, opt, audio, mixed);
  report.vision = !vision.empty();
  report.audio = !audio.empty();
  w.write(out_path);
  return report;
}

}  // namespace tandem::convert
