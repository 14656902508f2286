#include "audio/audio_projector.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/ops.h"
#include "mmproj/encoder_stack.h"

namespace tandem::audio {
namespace {

// Ultravox's RMSNorm (a LlamaRMSNorm) and llama.cpp's ggml_rms_norm(.., 1e-6) agree.
constexpr float kUltravoxEps = 1e-6f;

}  // namespace

using mmproj::ProjectorType;

AudioProjector::AudioProjector(const mmproj::MmprojFile& f, ProjectorType type) : type_(type) {
  const auto& hp = f.audio();
  n_in_ = hp.encoder.n_embd;
  switch (type) {
    case ProjectorType::Ultravox: {
      stack_ = hp.stack_factor;
      const int64_t width = n_in_ * stack_;
      norm_pre_ = f.floats("mm.a.norm_pre.weight", {width});
      n_hidden_ = f.tensor("mm.a.mlp.1.weight").dims.at(1);
      if (n_hidden_ % 2 != 0)
        throw f.error("tensor 'mm.a.mlp.1.weight' gives " + std::to_string(n_hidden_) +
                      " values, which SwiGLU cannot halve");
      w1_ = f.matrix("mm.a.mlp.1.weight", width, n_hidden_);
      norm_mid_ = f.floats("mm.a.norm_mid.weight", {n_hidden_ / 2});
      n_out_ = f.tensor("mm.a.mlp.2.weight").dims.at(1);
      w2_ = f.matrix("mm.a.mlp.2.weight", n_hidden_ / 2, n_out_);
      break;
    }
    case ProjectorType::Qwen2a: {
      n_out_ = f.tensor("mm.a.fc.weight").dims.at(1);
      w1_ = f.matrix("mm.a.fc.weight", n_in_, n_out_);
      fc_b_ = f.floats("mm.a.fc.bias", {n_out_});
      break;
    }
    default:
      throw f.error("projector '" + std::string(mmproj::projector_name(type)) +
                    "' is not an audio projector");
  }
}

std::vector<float> AudioProjector::forward(const std::vector<float>& x, int64_t n_in,
                                           kernels::ThreadPool& pool) const {
  if (static_cast<int64_t>(x.size()) != n_in * n_in_)
    throw std::invalid_argument("AudioProjector: " + std::to_string(x.size()) +
                                " floats in, expected " + std::to_string(n_in) + " rows of " +
                                std::to_string(n_in_));
  const int64_t rows = rows_for(n_in);
  std::vector<float> y(static_cast<size_t>(rows * n_out_));
  if (type_ == ProjectorType::Qwen2a) {
    mmproj::linear(w1_, fc_b_, x.data(), rows, y.data(), pool);
    return y;
  }
  // StackAudioFrames: consecutive rows side by side, the tail zero-padded (the tensor viewed
  // flat, padded to a multiple of s * n_embd, as llama.cpp's build_stack does).
  const int64_t width = n_in_ * stack_, half = n_hidden_ / 2;
  std::vector<float> stacked(static_cast<size_t>(rows * width), 0.0f);
  std::copy(x.begin(), x.end(), stacked.begin());
  pool.parallel_for(rows, [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) {
      float* row = stacked.data() + r * width;
      kernels::rmsnorm(row, norm_pre_.data(), row, width, kUltravoxEps);
    }
  });
  std::vector<float> h(static_cast<size_t>(rows * n_hidden_));
  mmproj::linear(w1_, {}, stacked.data(), rows, h.data(), pool);
  // Ultravox's SwiGLU chunks (x, gate) and returns silu(gate) * x: the gate is the SECOND
  // half (ggml_swiglu_swapped). The result goes to the first n_hidden / 2 of each row.
  std::vector<float> mid(static_cast<size_t>(rows * half));
  pool.parallel_for(rows, [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) {
      float* x_half = h.data() + r * n_hidden_;
      float* gate = x_half + half;
      kernels::silu_mul(gate, x_half, half);  // gate <- silu(gate) * x
      float* out = mid.data() + r * half;
      kernels::rmsnorm(gate, norm_mid_.data(), out, half, kUltravoxEps);
    }
  });
  mmproj::linear(w2_, {}, mid.data(), rows, y.data(), pool);
  return y;
}

double AudioProjector::flops(int64_t n_in) const {
  const double r = static_cast<double>(rows_for(n_in));
  if (type_ == ProjectorType::Qwen2a)
    return 2.0 * r * static_cast<double>(n_in_) * static_cast<double>(n_out_);
  return 2.0 * r *
         (static_cast<double>(n_in_ * stack_) * static_cast<double>(n_hidden_) +
          static_cast<double>(n_hidden_ / 2) * static_cast<double>(n_out_));
}

}  // namespace tandem::audio
