// Random-weight mmproj GGUF files in llama.cpp's layout (clip.* keys, v.* / a.* / mm.*
// tensors), for the vision and audio parity tests (tiny shapes) and encode benchmarks (real
// shapes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::convert {

// A vision tower's shape.
struct VisionShape {
  int64_t image_size = 0, patch_size = 0;
  int64_t n_embd = 0, n_ff = 0, n_layer = 0, n_head = 0;
  float eps = 1e-6f;
  // Pixel-shuffle factor (idefics3) / pool size (gemma3) for this tower; 0: the family default.
  int64_t scale_factor = 0;
  int64_t preproc_image_size = 0;  // idefics3's longest edge; 0: 2 x image_size
};

// "tiny" (tests), "siglip-400m-384" (SigLIP so400m, patch 14, 384 px: 729 patches),
// "siglip-400m-896" (the same tower at Gemma 3's 896 px: 4096 patches).
VisionShape vision_preset(const std::string& name);
std::vector<std::string> vision_preset_names();

// A Whisper encoder's shape and its projector's (audio files).
struct AudioShape {
  int64_t n_mel = 0, n_positions = 0;  // mel bins; a.position_embd rows (1500: 30 s)
  int64_t n_embd = 0, n_ff = 0, n_layer = 0, n_head = 0;
  float eps = 1e-5f;
  int64_t stack_factor = 8;      // ultravox: rows stacked into one
  int64_t projector_hidden = 0;  // ultravox: mm.a.mlp.1 output (SwiGLU halves it)
};

// "tiny" (tests: 128 mel bins, 1500 positions, a 32-wide 2-layer encoder) and
// "whisper-large" (Whisper large-v3's encoder: 1280 wide, 32 layers, 20 heads, ff 5120,
// 128 mel bins; Ultravox v0.5's projector, stack 8, hidden 4096).
AudioShape audio_preset(const std::string& name);
std::vector<std::string> audio_preset_names();

struct MmprojSynthOptions {
  // Vision: mlp | idefics3 | gemma3 | gated; audio: ultravox | qwen2a; or one of each separated by
  // a comma ("gemma3,ultravox"), which writes a file with both encoders.
  std::string projector = "mlp";
  VisionShape shape;
  AudioShape audio;
  int64_t n_embd_text = 0;   // the language model's embedding width (projector output)
  std::string type = "F16";  // matrices: F32 | F16 | Q8_0 (norms and biases stay F32)
  uint64_t seed = 1;
};

struct MmprojSynthReport {
  bool vision = false, audio = false;  // which encoders the file holds
  size_t bytes = 0;
  int64_t n_params = 0;
  std::vector<std::string> fallbacks;  // "tensor: TYPE -> TYPE (why)"
};

// Writes the file; throws std::invalid_argument on bad options.
MmprojSynthReport synth_mmproj(const MmprojSynthOptions& opt, const std::string& out_path);

}  // namespace tandem::convert
