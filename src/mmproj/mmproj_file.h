// An mmproj GGUF (llama.cpp's multimodal projector file): clip.* hyperparameters per
// modality, the projector type, and shape-checked access to its v.* / a.* / mm.* tensors.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/weight_view.h"
#include "model/gguf_file.h"

namespace tandem::mmproj {

// The projector families Tandem computes (clip.projector_type values in parentheses).
enum class ProjectorType {
  Mlp,       // "mlp": LLaVA-1.5 two-layer MLP
  Idefics3,  // "idefics3": SmolVLM / Idefics3 pixel shuffle + linear
  Gemma3,    // "gemma3": average pool + soft-embedding RMSNorm + projection
  Ultravox,  // "ultravox": Whisper encoder + stacked frames + SwiGLU MLP
  Qwen2a,    // "qwen2a": Whisper encoder + average pool + linear
  Gated,     // "gated": Tandem's gated fusion, an mlp whose rows a learned sigmoid gate mixes
             // with a learned text-stream row (docs/FORMATS.md); not in llama.cpp
};
std::string_view projector_name(ProjectorType t);
// Throws std::invalid_argument naming the value and the supported ones.
ProjectorType parse_projector(std::string_view name);

enum class Modality { Vision, Audio };
std::string_view modality_name(Modality m);  // "vision" / "audio": the clip.%s key part

// The feed-forward activation (clip.use_gelu / clip.use_silu; audio projectors use erf).
enum class FfnActivation { GeluTanh, GeluErf, GeluQuick, Silu };

// clip.{vision,audio}.* encoder shape.
struct EncoderHparams {
  int64_t n_embd = 0;
  int64_t n_ff = 0;
  int64_t n_layer = 0;
  int64_t n_head = 0;
  float eps = 1e-6f;
  int64_t projection_dim = 0;  // as declared; the real output width comes from tensor shapes
  FfnActivation act = FfnActivation::GeluTanh;
  int64_t head_dim() const { return n_head > 0 ? n_embd / n_head : 0; }
};

struct VisionHparams {
  EncoderHparams encoder;
  int64_t image_size = 0;
  int64_t patch_size = 0;
  std::array<float, 3> mean{};
  std::array<float, 3> std{};
  int64_t scale_factor = 0;             // clip.vision.projector.scale_factor (0: absent)
  int64_t preproc_image_size = 0;       // clip.vision.preproc_image_size (0: absent)
  std::vector<int64_t> feature_layers;  // clip.vision.feature_layer (empty: absent)
  int64_t patches_per_side() const { return patch_size > 0 ? image_size / patch_size : 0; }
};

struct AudioHparams {
  EncoderHparams encoder;
  int64_t n_mel_bins = 0;    // clip.audio.num_mel_bins
  int64_t stack_factor = 0;  // clip.audio.projector.stack_factor (0: absent)
};

class MmprojFile {
 public:
  // Opens and validates PATH; every problem is a model::ModelFileError naming the file.
  static MmprojFile open(const std::string& path);
  static MmprojFile from_gguf(model::GgufFile file);

  const model::GgufFile& gguf() const { return file_; }
  const std::string& path() const { return file_.path(); }

  bool has_vision() const { return vision_.has_value(); }
  bool has_audio() const { return audio_.has_value(); }
  // Throw ModelFileError when the file has no encoder of that modality.
  const VisionHparams& vision() const;
  const AudioHparams& audio() const;
  ProjectorType projector(Modality m) const;

  bool has_tensor(std::string_view name) const { return file_.find_tensor(name) != nullptr; }
  // The tensor; a missing one throws ModelFileError naming it.
  const model::GgufTensorInfo& tensor(std::string_view name) const;
  // A matrix stored as ggml ne=[n_in, n_out] (PyTorch Linear [out, in]) in a type matmul
  // computes with; a wrong shape or type throws naming the tensor and both shapes.
  kernels::WeightView matrix(std::string_view name, int64_t n_in, int64_t n_out) const;
  // Any tensor of exactly `dims` (ggml order) as floats (F32, F16, BF16 or a quantized type).
  std::vector<float> floats(std::string_view name, std::span<const int64_t> dims) const;
  std::vector<float> floats(std::string_view name, std::initializer_list<int64_t> dims) const {
    return floats(name, std::span<const int64_t>(dims.begin(), dims.size()));
  }
  // A vector of n floats, or empty when the tensor is absent.
  std::vector<float> optional_vector(std::string_view name, int64_t n) const;

  model::ModelFileError error(const std::string& message) const { return file_.error(message); }

 private:
  explicit MmprojFile(model::GgufFile file) : file_(std::move(file)) {}
  void load();
  EncoderHparams load_encoder(Modality m, ProjectorType p) const;

  model::GgufFile file_;
  std::optional<VisionHparams> vision_;
  std::optional<AudioHparams> audio_;
  ProjectorType vision_projector_ = ProjectorType::Mlp;
  ProjectorType audio_projector_ = ProjectorType::Ultravox;
};

// "[a, b, c]" for error messages.
std::string dims_string(std::span<const int64_t> dims);

}  // namespace tandem::mmproj
