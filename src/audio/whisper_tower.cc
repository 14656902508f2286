#include "audio/whisper_tower.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/ops.h"

namespace tandem::audio {
namespace {

// A conv1d kernel ne = [3, n_in, n_out] as a matrix of n_out rows of n_in * 3. F32 / F16 /
// BF16 rows are read in place; anything else (a quantized file) is converted once, since
// quantized blocks of 3-wide rows would not line up with n_in * 3 columns.
kernels::WeightView conv_weight(const mmproj::MmprojFile& f, const std::string& name, int64_t n_in,
                                int64_t n_out, std::vector<float>& storage) {
  const auto& t = f.tensor(name);
  const int64_t want[] = {3, n_in, n_out};
  if (t.dims.size() != 3 || !std::equal(t.dims.begin(), t.dims.end(), want))
    throw f.error("tensor '" + name + "' has shape " + mmproj::dims_string(t.dims) + ", expected " +
                  mmproj::dims_string(want));
  kernels::WeightView w;
  w.rows = n_out;
  w.cols = n_in * 3;
  if (t.type == model::GgmlType::F32 || t.type == model::GgmlType::F16 ||
      t.type == model::GgmlType::BF16) {
    w.type = t.type;
    w.data = t.data;
  } else {
    storage = f.floats(name, want);
    w.type = model::GgmlType::F32;
    w.data = reinterpret_cast<const uint8_t*>(storage.data());
  }
  w.row_bytes = model::row_bytes(w.type, w.cols);
  return w;
}

// llama.cpp's converter stores the conv biases as ne = [1, n] (broadcast over positions);
// a plain [n] is read too.
std::vector<float> conv_bias(const mmproj::MmprojFile& f, const std::string& name, int64_t n) {
  const auto& t = f.tensor(name);
  if (t.dims.size() == 2) return f.floats(name, {1, n});
  return f.floats(name, {n});
}

}  // namespace

WhisperTower::WhisperTower(const mmproj::MmprojFile& f, mmproj::ProjectorType type)
    : stack_(f, "a", f.audio().encoder) {
  const auto& hp = f.audio();
  const int64_t n = hp.encoder.n_embd;
  n_mel_ = static_cast<int>(hp.n_mel_bins);
  if (n_mel_ < 1 || n_mel_ > 256)
    throw f.error("clip.audio.num_mel_bins is " + std::to_string(hp.n_mel_bins) +
                  ", expected 1 to 256 (Whisper uses 80 or 128)");
  conv_.conv1_w = conv_weight(f, "a.conv1d.1.weight", n_mel_, n, conv1_storage_);
  conv_.conv2_w = conv_weight(f, "a.conv1d.2.weight", n, n, conv2_storage_);
  conv1_b_ = conv_bias(f, "a.conv1d.1.bias", n);
  conv2_b_ = conv_bias(f, "a.conv1d.2.bias", n);
  conv_.conv1_b = conv1_b_;
  conv_.conv2_b = conv2_b_;
  const auto& pe = f.tensor("a.position_embd.weight");
  if (pe.dims.size() != 2 || pe.dims[0] != n)
    throw f.error("tensor 'a.position_embd.weight' has shape " + mmproj::dims_string(pe.dims) +
                  ", expected [" + std::to_string(n) + ", positions]");
  n_pos_max_ = pe.dims[1];
  pos_embd_ = f.floats("a.position_embd.weight", {n, n_pos_max_});
  // clip-model.h's audio_has_avgpool(): qwen2a (and voxtral, which Tandem does not run).
  avg_pool_ = type == mmproj::ProjectorType::Qwen2a;
}

int64_t WhisperTower::rows_for(int64_t n_frames) const {
  const int64_t p = positions_for(n_frames);
  return avg_pool_ ? p / 2 : p;  // ggml_pool_1d(k 2, s 2, no padding) floors
}

std::vector<float> WhisperTower::forward(std::span<const float> mel, int64_t n_frames,
                                         kernels::ThreadPool& pool) const {
  const int64_t n = n_embd(), n_pos = positions_for(n_frames);
  if (n_pos > n_pos_max_)
    throw std::invalid_argument("WhisperTower: " + std::to_string(n_frames) + " frames give " +
                                std::to_string(n_pos) + " positions, the encoder has " +
                                std::to_string(n_pos_max_));
  std::vector<float> x = whisper_conv_stem(mel, n_mel_, n_frames, conv_, pool);
  kernels::add(x.data(), pos_embd_.data(), n_pos * n);  // row t gets position t

  stack_.pre_norm(x, n_pos, pool);
  for (int64_t il = 0; il < stack_.n_layer(); ++il) stack_.run_layer(il, x, n_pos, pool);
  int64_t rows = n_pos;
  if (avg_pool_) {
    rows = n_pos / 2;
    for (int64_t t = 0; t < rows; ++t) {  // in place: row t reads rows 2t and 2t + 1 >= t
      const float* a = x.data() + 2 * t * n;
      const float* b = a + n;
      float* dst = x.data() + t * n;
      for (int64_t i = 0; i < n; ++i) dst[i] = 0.5f * (a[i] + b[i]);
    }
    x.resize(static_cast<size_t>(rows * n));
  }
  stack_.post_norm(x, rows, pool);
  return x;
}

double WhisperTower::flops(int64_t n_frames) const {
  const double n = static_cast<double>(n_embd());
  const double p = static_cast<double>(positions_for(n_frames));
  const double conv = 2.0 * n * 3.0 * (static_cast<double>(n_mel_ * n_frames) + n * p);
  return conv + stack_.flops(positions_for(n_frames), stack_.n_layer());
}

}  // namespace tandem::audio
