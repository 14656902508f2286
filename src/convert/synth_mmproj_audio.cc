// The audio half of `tandem synth --mmproj-out`: a Whisper encoder with an ultravox or
// qwen2a projector, keys and tensor names as llama.cpp's converter writes them for
// Ultravox and Qwen2-Audio (clip-impl.h: a.conv1d.%d, mm.a.mlp.%d, mm.a.norm_pre/mid,
// mm.a.fc).
#include <cmath>
#include <stdexcept>

#include "convert/synth_mmproj.h"
#include "convert/synth_mmproj_builder.h"

namespace tandem::convert {

AudioShape audio_preset(const std::string& name) {
  AudioShape s;
  s.n_mel = 128;
  s.n_positions = 1500;  // Whisper's 30 s window: 3000 frames, halved by conv2
  s.stack_factor = 8;
  if (name == "tiny") {
    s.n_embd = 32;
    s.n_ff = 64;
    s.n_layer = 2;
    s.n_head = 2;
    s.projector_hidden = 64;
    return s;
  }
  if (name == "whisper-large") {
    s.n_embd = 1280;
    s.n_ff = 5120;
    s.n_layer = 32;
    s.n_head = 20;
    s.projector_hidden = 4096;
    return s;
  }
  std::string known;
  for (const auto& n : audio_preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown audio shape '" + name + "' (known: " + known + ")");
}

std::vector<std::string> audio_preset_names() {
  return {"tiny", "whisper-large"};
}

namespace detail {

void write_audio(model::GgufWriter& w, Builder& b, const MmprojSynthOptions& opt,
                 const std::string& proj, bool mixed) {
  const AudioShape& a = opt.audio;
  if (a.n_embd <= 0 || a.n_head <= 0 || a.n_embd % a.n_head || a.n_ff <= 0 || a.n_layer <= 0 ||
      a.n_mel <= 0 || a.n_positions <= 0)
    throw std::invalid_argument("invalid audio shape (pick one with --audio)");
  const bool ultravox = proj == "ultravox";
  if (ultravox && (a.stack_factor <= 0 || a.projector_hidden <= 0 || a.projector_hidden % 2))
    throw std::invalid_argument("ultravox needs a stack factor and an even projector width");
  const int64_t n = a.n_embd, n_text = opt.n_embd_text;

  w.set_bool("clip.has_audio_encoder", true);
  w.set_string(mixed ? "clip.audio.projector_type" : "clip.projector_type", proj);
  w.set_u32("clip.audio.num_mel_bins", static_cast<uint32_t>(a.n_mel));
  w.set_u32("clip.audio.embedding_length", static_cast<uint32_t>(n));
  w.set_u32("clip.audio.feed_forward_length", static_cast<uint32_t>(a.n_ff));
  w.set_u32("clip.audio.block_count", static_cast<uint32_t>(a.n_layer));
  w.set_u32("clip.audio.attention.head_count", static_cast<uint32_t>(a.n_head));
  w.set_f32("clip.audio.attention.layer_norm_epsilon", a.eps);
  w.set_u32("clip.audio.projection_dim", static_cast<uint32_t>(n_text));
  if (ultravox)
    w.set_u32("clip.audio.projector.stack_factor", static_cast<uint32_t>(a.stack_factor));

  const Init bias{0.0f, 0.05f}, norm{1.0f, 0.1f}, norm_bias{0.0f, 0.05f};
  // The conv stem: kernels ne = [3, in, out] kept in float, biases ne = [1, out].
  b.dense("a.conv1d.1.weight", {3, a.n_mel, n},
          {0.0f, 1.0f / std::sqrt(static_cast<float>(3 * a.n_mel))});
  b.floats("a.conv1d.1.bias", {1, n}, bias);
  b.dense("a.conv1d.2.weight", {3, n, n}, {0.0f, 1.0f / std::sqrt(static_cast<float>(3 * n))});
  b.floats("a.conv1d.2.bias", {1, n}, bias);
  b.dense("a.position_embd.weight", {n, a.n_positions}, {0.0f, 0.5f});
  for (int64_t il = 0; il < a.n_layer; ++il) {
    const std::string l = "a.blk." + std::to_string(il) + ".";
    b.vector(l + "ln1.weight", n, norm);
    b.vector(l + "ln1.bias", n, norm_bias);
    for (const char* m : {"attn_q", "attn_k", "attn_v", "attn_out"}) {
      b.matrix(l + m + ".weight", n, n);
      if (std::string(m) != "attn_k") b.vector(l + m + ".bias", n, bias);  // Whisper's k_proj
    }
    b.vector(l + "ln2.weight", n, norm);
    b.vector(l + "ln2.bias", n, norm_bias);
    b.matrix(l + "ffn_up.weight", n, a.n_ff);
    b.vector(l + "ffn_up.bias", a.n_ff, bias);
    b.matrix(l + "ffn_down.weight", a.n_ff, n);
    b.vector(l + "ffn_down.bias", n, bias);
  }
  b.vector("a.post_ln.weight", n, norm);  // Whisper's encoder.layer_norm
  b.vector("a.post_ln.bias", n, norm_bias);
  if (ultravox) {
    const int64_t width = n * a.stack_factor, hidden = a.projector_hidden;
    b.vector("mm.a.norm_pre.weight", width, norm);
    b.matrix("mm.a.mlp.1.weight", width, hidden);
    b.vector("mm.a.norm_mid.weight", hidden / 2, norm);
    b.matrix("mm.a.mlp.2.weight", hidden / 2, n_text);
  } else if (proj == "qwen2a") {
    b.matrix("mm.a.fc.weight", n, n_text);
    b.vector("mm.a.fc.bias", n_text, bias);
  } else {
    throw std::invalid_argument("synth cannot write audio projector '" + proj + "'");
  }
}

}  // namespace detail
}  // namespace tandem::convert
