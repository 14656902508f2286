#include "mmproj/mmproj_file.h"

#include <algorithm>
#include <stdexcept>

#include "kernels/matmul.h"
#include "kernels/quant/quant_formats.h"

namespace tandem::mmproj {
namespace {

constexpr ProjectorType kAll[] = {ProjectorType::Mlp,    ProjectorType::Idefics3,
                                  ProjectorType::Gemma3, ProjectorType::Ultravox,
                                  ProjectorType::Qwen2a, ProjectorType::Gated};

bool is_audio_projector(ProjectorType t) {
  return t == ProjectorType::Ultravox || t == ProjectorType::Qwen2a;
}

}  // namespace

std::string_view projector_name(ProjectorType t) {
  switch (t) {
    case ProjectorType::Mlp:
      return "mlp";
    case ProjectorType::Idefics3:
      return "idefics3";
    case ProjectorType::Gemma3:
      return "gemma3";
    case ProjectorType::Ultravox:
      return "ultravox";
    case ProjectorType::Qwen2a:
      return "qwen2a";
    case ProjectorType::Gated:
      return "gated";
  }
  return "?";
}

ProjectorType parse_projector(std::string_view name) {
  std::string known;
  for (auto t : kAll) {
    if (projector_name(t) == name) return t;
    known += (known.empty() ? "" : ", ") + std::string(projector_name(t));
  }
  throw std::invalid_argument("unknown projector type '" + std::string(name) +
                              "' (supported: " + known + ")");
}

std::string_view modality_name(Modality m) {
  return m == Modality::Vision ? "vision" : "audio";
}

std::string dims_string(std::span<const int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

MmprojFile MmprojFile::open(const std::string& path) {
  return from_gguf(model::GgufFile::open(path));
}

MmprojFile MmprojFile::from_gguf(model::GgufFile file) {
  MmprojFile m(std::move(file));
  m.load();
  return m;
}

void MmprojFile::load() {
  const bool want_vision = file_.get_bool("clip.has_vision_encoder", false);
  const bool want_audio = file_.get_bool("clip.has_audio_encoder", false);
  if (!want_vision && !want_audio)
    throw error(
        "is not an mmproj file: clip.has_vision_encoder and clip.has_audio_encoder are both "
        "absent or false");
  // A single-modality file names its projector in clip.projector_type; a mixed one per
  // modality (clip.vision.projector_type / clip.audio.projector_type).
  const std::string common = file_.get_string("clip.projector_type", "");
  auto projector_for = [&](Modality m) {
    std::string name = common;
    const std::string key = "clip." + std::string(modality_name(m)) + ".projector_type";
    if (name.empty()) name = file_.get_string(key, "");
    if (name.empty()) throw error("has no clip.projector_type (nor " + key + ")");
    ProjectorType t;
    try {
      t = parse_projector(name);
    } catch (const std::invalid_argument& e) {
      throw error(e.what());
    }
    if (is_audio_projector(t) != (m == Modality::Audio))
      throw error("projector type '" + name + "' is not a " + std::string(modality_name(m)) +
                  " projector");
    return t;
  };
  if (want_vision) {
    vision_projector_ = projector_for(Modality::Vision);
    VisionHparams v;
    v.encoder = load_encoder(Modality::Vision, vision_projector_);
    v.image_size = file_.get_int("clip.vision.image_size");
    v.patch_size = file_.get_int("clip.vision.patch_size");
    // Not necessarily a multiple: the convolution drops the remainder (SigLIP 384 / 14 -> 27).
    if (v.patch_size <= 0 || v.image_size < v.patch_size)
      throw error("clip.vision.image_size " + std::to_string(v.image_size) +
                  " is smaller than clip.vision.patch_size " + std::to_string(v.patch_size));
    for (const char* which : {"image_mean", "image_std"}) {
      const std::string key = std::string("clip.vision.") + which;
      const auto* val = file_.find(key);
      if (!val || !val->is_array()) throw error("has no " + key + " array");
      const auto list = val->as_float_list();
      if (list.size() != 3)
        throw error(key + " has " + std::to_string(list.size()) + " values, expected 3");
      auto& dst = std::string(which) == "image_mean" ? v.mean : v.std;
      for (int c = 0; c < 3; ++c) dst[c] = list[c];
    }
    for (float s : v.std)
      if (!(s > 0)) throw error("clip.vision.image_std has a value that is not positive");
    v.scale_factor = file_.get_int("clip.vision.projector.scale_factor", 0);
    v.preproc_image_size = file_.get_int("clip.vision.preproc_image_size", 0);
    if (const auto* fl = file_.find("clip.vision.feature_layer"); fl && fl->is_array())
      v.feature_layers = fl->as_int_list();
    vision_ = std::move(v);
  }
  if (want_audio) {
    audio_projector_ = projector_for(Modality::Audio);
    AudioHparams a;
    a.encoder = load_encoder(Modality::Audio, audio_projector_);
    a.n_mel_bins = file_.get_int("clip.audio.num_mel_bins");
    a.stack_factor = file_.get_int("clip.audio.projector.stack_factor", 0);
    if (audio_projector_ == ProjectorType::Ultravox && a.stack_factor <= 0)
      throw error("ultravox needs clip.audio.projector.stack_factor");
    audio_ = std::move(a);
  }
}

EncoderHparams MmprojFile::load_encoder(Modality m, ProjectorType p) const {
  const std::string k = "clip." + std::string(modality_name(m)) + ".";
  EncoderHparams h;
  h.n_embd = file_.get_int(k + "embedding_length");
  h.n_ff = file_.get_int(k + "feed_forward_length");
  h.n_layer = file_.get_int(k + "block_count");
  h.n_head = file_.get_int(k + "attention.head_count");
  h.eps = static_cast<float>(file_.get_double(k + "attention.layer_norm_epsilon"));
  h.projection_dim = file_.get_int(k + "projection_dim", 0);
  if (h.n_embd <= 0 || h.n_ff <= 0 || h.n_layer <= 0 || h.n_head <= 0 || h.n_embd % h.n_head)
    throw error(k + "* has an invalid encoder shape (embedding " + std::to_string(h.n_embd) +
                ", heads " + std::to_string(h.n_head) + ", layers " + std::to_string(h.n_layer) +
                ", feed-forward " + std::to_string(h.n_ff) + ")");
  const bool gelu = file_.get_bool("clip.use_gelu", false);
  const bool silu = file_.get_bool("clip.use_silu", false);
  if (gelu && silu) throw error("sets both clip.use_gelu and clip.use_silu");
  h.act = gelu ? FfnActivation::GeluTanh : silu ? FfnActivation::Silu : FfnActivation::GeluQuick;
  if (is_audio_projector(p)) h.act = FfnActivation::GeluErf;  // Whisper's exact GELU
  return h;
}

const VisionHparams& MmprojFile::vision() const {
  if (!vision_) throw error("has no vision encoder");
  return *vision_;
}

const AudioHparams& MmprojFile::audio() const {
  if (!audio_) throw error("has no audio encoder");
  return *audio_;
}

ProjectorType MmprojFile::projector(Modality m) const {
  if (m == Modality::Vision) {
    vision();  // throws when absent
    return vision_projector_;
  }
  audio();
  return audio_projector_;
}

const model::GgufTensorInfo& MmprojFile::tensor(std::string_view name) const {
  const auto* t = file_.find_tensor(name);
  if (!t) throw error("missing tensor '" + std::string(name) + "'");
  return *t;
}

kernels::WeightView MmprojFile::matrix(std::string_view name, int64_t n_in, int64_t n_out) const {
  const auto& t = tensor(name);
  const int64_t want[] = {n_in, n_out};
  if (t.dims.size() != 2 || t.dims[0] != n_in || t.dims[1] != n_out)
    throw error("tensor '" + std::string(name) + "' has shape " + dims_string(t.dims) +
                ", expected " + dims_string(want));
  if (!kernels::matmul_supports(t.type))
    throw error("tensor '" + std::string(name) + "' has type " +
                std::string(model::type_name(t.type)) + ", which Tandem cannot multiply with");
  kernels::WeightView v;
  v.type = t.type;
  v.cols = n_in;
  v.rows = n_out;
  v.data = t.data;
  v.row_bytes = model::row_bytes(t.type, n_in);
  return v;
}

std::vector<float> MmprojFile::floats(std::string_view name, std::span<const int64_t> dims) const {
  const auto& t = tensor(name);
  if (t.dims.size() != dims.size() || !std::equal(dims.begin(), dims.end(), t.dims.begin()))
    throw error("tensor '" + std::string(name) + "' has shape " + dims_string(t.dims) +
                ", expected " + dims_string(dims));
  std::vector<float> out(static_cast<size_t>(t.n_elements()));
  if (t.type == model::GgmlType::F32) {
    std::copy_n(reinterpret_cast<const float*>(t.data), out.size(), out.begin());
  } else {
    if (t.row_length() % model::traits(t.type).block_size != 0)
      throw error("tensor '" + std::string(name) + "' rows are not whole blocks");
    const size_t rb = model::row_bytes(t.type, t.row_length());
    for (int64_t r = 0; r < t.n_rows(); ++r)
      kernels::dequantize(t.type, t.data + static_cast<size_t>(r) * rb,
                          out.data() + r * t.row_length(), t.row_length());
  }
  return out;
}

std::vector<float> MmprojFile::optional_vector(std::string_view name, int64_t n) const {
  if (!has_tensor(name)) return {};
  return floats(name, {n});
}

}  // namespace tandem::mmproj
