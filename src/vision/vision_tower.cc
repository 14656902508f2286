#include "vision/vision_tower.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/matmul.h"
#include "kernels/ops.h"

namespace tandem::vision {
namespace {

int64_t layers_to_run(const mmproj::MmprojFile& f, mmproj::ProjectorType type) {
  const auto& hp = f.vision();
  if (type != mmproj::ProjectorType::Mlp) return hp.encoder.n_layer;
  if (!hp.feature_layers.empty())
    throw f.error("clip.vision.feature_layer (features from several layers) is not supported yet");
  return hp.encoder.n_layer - 1;
}

}  // namespace

VisionTower::VisionTower(const mmproj::MmprojFile& f, mmproj::ProjectorType type)
    : stack_(f, "v", f.vision().encoder) {
  const auto& hp = f.vision();
  const int64_t n = hp.encoder.n_embd;
  image_size_ = hp.image_size;
  patch_ = hp.patch_size;
  side_ = hp.patches_per_side();
  n_layers_run_ = layers_to_run(f, type);
  // The convolution kernel ne = [p, p, 3, n_embd] is, row by row, a matrix of n_embd rows
  // of 3 * p * p (channel, y, x), the order unfolded patches are written in.
  const int64_t k = 3 * patch_ * patch_;
  const auto& t = f.tensor("v.patch_embd.weight");
  const int64_t want[] = {patch_, patch_, 3, n};
  if (t.dims.size() != 4 || !std::equal(t.dims.begin(), t.dims.end(), want))
    throw f.error("tensor 'v.patch_embd.weight' has shape " + mmproj::dims_string(t.dims) +
                  ", expected " + mmproj::dims_string(want));
  patch_w_.rows = n;
  patch_w_.cols = k;
  if (t.type == model::GgmlType::F32 || t.type == model::GgmlType::F16 ||
      t.type == model::GgmlType::BF16) {
    patch_w_.type = t.type;
    patch_w_.data = t.data;
  } else {  // quantized rows of p would not be blocks of 3 p p: convert once
    patch_w_storage_ = f.floats("v.patch_embd.weight", want);
    patch_w_.type = model::GgmlType::F32;
    patch_w_.data = reinterpret_cast<const uint8_t*>(patch_w_storage_.data());
  }
  patch_w_.row_bytes = model::row_bytes(patch_w_.type, k);
  patch_b_ = f.optional_vector("v.patch_embd.bias", n);
  class_embd_ = f.optional_vector("v.class_embd", n);
  const int64_t n_pos = n_patches() + (class_embd_.empty() ? 0 : 1);
  pos_embd_ = f.floats("v.position_embd.weight", {n, n_pos});
}

std::vector<float> VisionTower::forward(std::span<const float> planar,
                                        kernels::ThreadPool& pool) const {
  const int64_t S = image_size_, p = patch_, n = n_embd(), k = 3 * p * p;
  if (static_cast<int64_t>(planar.size()) != 3 * S * S)
    throw std::invalid_argument("VisionTower: image holds " + std::to_string(planar.size()) +
                                " floats, expected 3 x " + std::to_string(S) + " x " +
                                std::to_string(S));
  // Unfold: patch (py, px) -> its 3 x p x p pixels; pixels past side * p are not read (the
  // convolution's floor), as in SigLIP at 384 / 14.
  const int64_t np = n_patches();
  std::vector<float> patches(static_cast<size_t>(np * k));
  pool.parallel_for(np, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t py = i / side_, px = i % side_;
      float* dst = patches.data() + i * k;
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t y = 0; y < p; ++y) {
          const float* src = planar.data() + c * S * S + (py * p + y) * S + px * p;
          std::copy_n(src, p, dst + (c * p + y) * p);
        }
    }
  });
  const int64_t extra = class_embd_.empty() ? 0 : 1;
  const int64_t T = np + extra;
  std::vector<float> x(static_cast<size_t>(T * n));
  kernels::matmul(patch_w_, patches.data(), np, x.data() + extra * n, pool);
  if (!patch_b_.empty())
    for (int64_t i = 0; i < np; ++i) kernels::add(x.data() + (extra + i) * n, patch_b_.data(), n);
  if (extra) std::copy(class_embd_.begin(), class_embd_.end(), x.begin());
  kernels::add(x.data(), pos_embd_.data(), T * n);  // row t gets position t

  const bool all = n_layers_run_ == stack_.n_layer();
  stack_.forward(x, T, pool, {.n_layers = n_layers_run_, .post_norm = all});
  if (extra) x.erase(x.begin(), x.begin() + n);  // the class row
  return x;
}

double VisionTower::flops() const {
  const int64_t T = n_patches() + (class_embd_.empty() ? 0 : 1);
  return 2.0 * static_cast<double>(n_patches()) * static_cast<double>(3 * patch_ * patch_) *
             static_cast<double>(n_embd()) +
         stack_.flops(T, n_layers_run_);
}

}  // namespace tandem::vision
