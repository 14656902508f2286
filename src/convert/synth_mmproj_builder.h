// The tensor writer shared by the mmproj synthesizers (synth_mmproj.cc: vision,
// synth_mmproj_audio.cc: audio): random values seeded per tensor name, in the file's matrix
// type where rows are whole blocks.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "convert/synth_mmproj.h"
#include "convert/synth_random.h"
#include "kernels/quant/quant_formats.h"
#include "model/ggml_types.h"
#include "model/gguf_writer.h"

namespace tandem::convert::detail {

// How a tensor's values are drawn: uniform with the standard deviation `scale` around
// `center` (norm weights sit around 1, everything else around 0).
struct Init {
  float center = 0.0f;
  float scale = 0.0f;
};

class Builder {
 public:
  Builder(model::GgufWriter& w, const MmprojSynthOptions& opt, MmprojSynthReport& report)
      : w_(w), opt_(opt), report_(report), type_(model::parse_type_name(opt.type)) {}

  // A Linear weight: ne = [n_in, n_out], in the file's matrix type when rows are whole blocks.
  void matrix(const std::string& name, int64_t n_in, int64_t n_out) {
    model::GgmlType t = type_;
    if (n_in % model::traits(t).block_size != 0) {
      t = model::GgmlType::F16;
      report_.fallbacks.push_back(name + ": " + opt_.type + " -> F16 (rows of " +
                                  std::to_string(n_in) + " are not whole blocks)");
    }
    add(name, t, {n_in, n_out}, {0.0f, 1.0f / std::sqrt(static_cast<float>(n_in))});
  }
  // Tensors llama.cpp's converter keeps in float (convolutions, embeddings): F32 in an F32
  // file, else F16.
  void dense(const std::string& name, std::vector<int64_t> dims, Init init) {
    add(name, type_ == model::GgmlType::F32 ? model::GgmlType::F32 : model::GgmlType::F16,
        std::move(dims), init);
  }
  void vector(const std::string& name, int64_t n, Init init) {
    add(name, model::GgmlType::F32, {n}, init);
  }
  // F32 of any shape (Whisper's conv biases, stored ne = [1, n]).
  void floats(const std::string& name, std::vector<int64_t> dims, Init init) {
    add(name, model::GgmlType::F32, std::move(dims), init);
  }

 private:
  void add(const std::string& name, model::GgmlType t, std::vector<int64_t> dims, Init init) {
    const int64_t cols = dims[0];
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    const int64_t rows = n / cols;
    std::vector<float> row(static_cast<size_t>(cols));
    const size_t rb = model::row_bytes(t, cols);
    std::vector<uint8_t> bytes(rb * static_cast<size_t>(rows));
    uint64_t s = hash_name(name, opt_.seed);
    for (int64_t r = 0; r < rows; ++r) {
      for (auto& x : row) {
        s = mix(s);
        const float u = static_cast<float>((s >> 40) * 0x1.0p-24) * 2.0f - 1.0f;  // [-1, 1)
        x = init.center + init.scale * std::sqrt(3.0f) * u;
      }
      kernels::quantize(t, row.data(), bytes.data() + static_cast<size_t>(r) * rb, cols);
    }
    report_.bytes += bytes.size();
    report_.n_params += n;
    w_.add_tensor(name, t, std::move(dims), bytes);
  }

  model::GgufWriter& w_;
  const MmprojSynthOptions& opt_;
  MmprojSynthReport& report_;
  model::GgmlType type_;
};

// The Whisper encoder and the audio projector `proj` (a.* and mm.a.* tensors, clip.audio.*
// keys); `mixed`: the file holds a vision encoder too (per-modality projector keys).
void write_audio(model::GgufWriter& w, Builder& b, const MmprojSynthOptions& opt,
                 const std::string& proj, bool mixed);

}  // namespace tandem::convert::detail
