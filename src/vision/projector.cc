#include "vision/projector.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/activations.h"
#include "kernels/ops.h"
#include "mmproj/encoder_stack.h"

namespace tandem::vision {

using mmproj::ProjectorType;

Projector::Projector(const mmproj::MmprojFile& f, ProjectorType type) : type_(type) {
  const auto& hp = f.vision();
  n_in_ = hp.encoder.n_embd;
  side_ = hp.patches_per_side();
  eps_ = hp.encoder.eps;
  switch (type) {
    case ProjectorType::Mlp:
    case ProjectorType::Gated: {
      if (f.has_tensor("mm.1.weight") || f.has_tensor("mm.3.weight"))
        throw f.error("mlp projector with mm.1 / mm.3 tensors (MLP_NORM, Yi-VL) is not supported");
      n_mid_ = f.tensor("mm.0.weight").dims.at(1);
      w0_ = f.matrix("mm.0.weight", n_in_, n_mid_);
      b0_ = f.optional_vector("mm.0.bias", n_mid_);
      n_out_ = f.tensor("mm.2.weight").dims.at(1);
      w2_ = f.matrix("mm.2.weight", n_mid_, n_out_);
      b2_ = f.optional_vector("mm.2.bias", n_out_);
      rows_ = side_ * side_;
      if (type == ProjectorType::Gated) {
        gate_ = f.matrix("mm.gate.weight", n_in_, n_out_);
        gate_b_ = f.optional_vector("mm.gate.bias", n_out_);
        text_ = f.floats("mm.text.weight", {n_out_});
      }
      break;
    }
    case ProjectorType::Idefics3: {
      const auto& fc = f.tensor("mm.model.fc.weight");
      // The shuffle factor from the metadata, else from the fc width (n_embd * s^2).
      merge_ = hp.scale_factor;
      if (merge_ <= 0) merge_ = std::lround(std::sqrt(static_cast<double>(fc.dims.at(0) / n_in_)));
      if (merge_ <= 0 || side_ % merge_ != 0)
        throw f.error("idefics3: " + std::to_string(side_) +
                      " patches per side are not a multiple of the scale factor " +
                      std::to_string(merge_));
      n_out_ = fc.dims.at(1);
      w0_ = f.matrix("mm.model.fc.weight", n_in_ * merge_ * merge_, n_out_);
      rows_ = (side_ / merge_) * (side_ / merge_);
      break;
    }
    case ProjectorType::Gemma3: {
      merge_ = hp.scale_factor > 0 ? hp.scale_factor : 4;  // llama.cpp's default pool
      if (side_ < merge_)
        throw f.error("gemma3: " + std::to_string(side_) + " patches per side, pool of " +
                      std::to_string(merge_));
      norm_w_ = f.floats("mm.soft_emb_norm.weight", {n_in_});
      n_out_ = f.tensor("mm.input_projection.weight").dims.at(0);
      const auto p = f.floats("mm.input_projection.weight", {n_out_, n_in_});
      // p[i * n_out + o] multiplies input i into output o; matmul wants rows per output.
      proj_t_.resize(p.size());
      for (int64_t i = 0; i < n_in_; ++i)
        for (int64_t o = 0; o < n_out_; ++o) proj_t_[o * n_in_ + i] = p[i * n_out_ + o];
      proj_.type = model::GgmlType::F32;
      proj_.rows = n_out_;
      proj_.cols = n_in_;
      proj_.data = reinterpret_cast<const uint8_t*>(proj_t_.data());
      proj_.row_bytes = static_cast<size_t>(n_in_) * sizeof(float);
      const int64_t pooled = side_ / merge_;  // AvgPool2d's floor
      rows_ = pooled * pooled;
      break;
    }
    default:
      throw f.error("projector '" + std::string(mmproj::projector_name(type)) +
                    "' is not a vision projector");
  }
}

std::vector<float> Projector::forward(const std::vector<float>& x,
                                      kernels::ThreadPool& pool) const {
  const int64_t n = n_in_;
  if (static_cast<int64_t>(x.size()) != side_ * side_ * n)
    throw std::invalid_argument("Projector: " + std::to_string(x.size()) + " floats in, expected " +
                                std::to_string(side_ * side_) + " rows of " + std::to_string(n));
  std::vector<float> y(static_cast<size_t>(rows_ * n_out_));
  switch (type_) {
    case ProjectorType::Mlp:
    case ProjectorType::Gated: {
      std::vector<float> mid(static_cast<size_t>(rows_ * n_mid_));
      mmproj::linear(w0_, b0_, x.data(), rows_, mid.data(), pool);
      // HF LLaVA's projector_hidden_act "gelu" is the erf form (llama.cpp uses the tanh
      // approximation here; they differ by < 2e-4 per value).
      pool.parallel_for(rows_, [&](int64_t b, int64_t e, int) {
        kernels::gelu_erf(mid.data() + b * n_mid_, (e - b) * n_mid_);
      });
      mmproj::linear(w2_, b2_, mid.data(), rows_, y.data(), pool);
      if (type_ == ProjectorType::Gated) {
        std::vector<float> g(y.size());
        mmproj::linear(gate_, gate_b_, x.data(), rows_, g.data(), pool);
        for (int64_t r = 0; r < rows_; ++r)
          for (int64_t o = 0; o < n_out_; ++o) {
            const size_t i = static_cast<size_t>(r * n_out_ + o);
            const float gate = 1.0f / (1.0f + std::exp(-g[i]));
            y[i] = gate * y[i] + (1.0f - gate) * text_[static_cast<size_t>(o)];
          }
      }
      break;
    }
    case ProjectorType::Idefics3: {
      // HF Idefics3Connector.pixel_shuffle: output row (hb, wb), feature
      // (hs * s + ws) * n + c  <-  patch (hb * s + hs, wb * s + ws), feature c.
      const int64_t s = merge_, out_side = side_ / s, width = n * s * s;
      std::vector<float> shuffled(static_cast<size_t>(rows_ * width));
      for (int64_t hb = 0; hb < out_side; ++hb)
        for (int64_t wb = 0; wb < out_side; ++wb)
          for (int64_t hs = 0; hs < s; ++hs)
            for (int64_t ws = 0; ws < s; ++ws) {
              const float* src = x.data() + ((hb * s + hs) * side_ + wb * s + ws) * n;
              float* dst = shuffled.data() + (hb * out_side + wb) * width + (hs * s + ws) * n;
              std::copy_n(src, n, dst);
            }
      mmproj::linear(w0_, {}, shuffled.data(), rows_, y.data(), pool);
      break;
    }
    case ProjectorType::Gemma3: {
      const int64_t k = merge_, out_side = side_ / k;
      std::vector<float> pooled(static_cast<size_t>(rows_ * n), 0.0f);
      const float inv = 1.0f / static_cast<float>(k * k);
      for (int64_t r = 0; r < out_side; ++r)
        for (int64_t c = 0; c < out_side; ++c) {
          float* dst = pooled.data() + (r * out_side + c) * n;
          for (int64_t dy = 0; dy < k; ++dy)
            for (int64_t dx = 0; dx < k; ++dx)
              kernels::add(dst, x.data() + ((r * k + dy) * side_ + c * k + dx) * n, n);
          for (int64_t i = 0; i < n; ++i) dst[i] *= inv;
          kernels::rmsnorm(dst, norm_w_.data(), dst, n, eps_);
        }
      mmproj::linear(proj_, {}, pooled.data(), rows_, y.data(), pool);
      break;
    }
    default:
      break;
  }
  return y;
}

double Projector::flops() const {
  const double r = static_cast<double>(rows_);
  switch (type_) {
    case ProjectorType::Mlp:
      return 2.0 * r * static_cast<double>(n_mid_) * static_cast<double>(n_in_ + n_out_);
    case ProjectorType::Gated:
      return 2.0 * r *
             (static_cast<double>(n_mid_) * static_cast<double>(n_in_ + n_out_) +
              static_cast<double>(n_in_) * static_cast<double>(n_out_));
    case ProjectorType::Idefics3:
      return 2.0 * r * static_cast<double>(n_in_ * merge_ * merge_) * static_cast<double>(n_out_);
    default:
      return 2.0 * r * static_cast<double>(n_in_) * static_cast<double>(n_out_);
  }
}

}  // namespace tandem::vision
