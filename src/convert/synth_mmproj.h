// Random-weight mmproj GGUF files in llama.cpp's layout (clip.* keys, v.* / mm.* tensors),
// for the vision parity tests (tiny shapes) and encode benchmarks (real shapes).
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

struct MmprojSynthOptions {
  std::string projector = "mlp";  // mlp | idefics3 | gemma3 | gated
  VisionShape shape;
  int64_t n_embd_text = 0;   // the language model's embedding width (projector output)
  std::string type = "F16";  // matrices: F32 | F16 | Q8_0 (norms and biases stay F32)
  uint64_t seed = 1;
};

struct MmprojSynthReport {
  size_t bytes = 0;
  int64_t n_params = 0;
  std::vector<std::string> fallbacks;  // "tensor: TYPE -> TYPE (why)"
};

// Writes the file; throws std::invalid_argument on bad options.
MmprojSynthReport synth_mmproj(const MmprojSynthOptions& opt, const std::string& out_path);

}  // namespace tandem::convert
