// One transformer layer's weights while it is being quantized: float copies that AWQ may
// rescale, replaced by quantized bytes as each linear is done; it can stand in for the
// model's layer in a calibration forward pass.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"

namespace tandem::quant {

enum LinearId { kQ, kK, kV, kO, kGate, kUp, kDown, kNumLinears };

struct LinearStore {
  std::string name;                             // tensor name, e.g. "blk.0.attn_q.weight"
  model::GgmlType type = model::GgmlType::F32;  // target type (after fallback)
  int64_t rows = 0, cols = 0;
  std::vector<float> w;        // float weights (dropped once quantized)
  std::vector<uint8_t> bytes;  // quantized rows, empty until done
  bool quantized() const { return !bytes.empty(); }
  kernels::WeightView view() const;
};

class LayerStore {
 public:
  // Dequantizes layer l of the model; types[i] is the target of linear i.
  LayerStore(const engine::Model& model, int64_t l,
             const std::array<model::GgmlType, kNumLinears>& types);

  LinearStore& linear(int i) { return lin_[static_cast<size_t>(i)]; }
  const LinearStore& linear(int i) const { return lin_[static_cast<size_t>(i)]; }
  std::vector<float>& attn_norm() { return attn_norm_; }
  std::vector<float>& ffn_norm() { return ffn_norm_; }
  std::vector<float>& v_bias() { return v_bias_; }
  // Views onto the current state (float or quantized per linear). Valid while unchanged.
  const engine::LayerWeights& weights();

 private:
  engine::LayerWeights base_;
  engine::LayerWeights cur_;
  std::array<LinearStore, kNumLinears> lin_;
  std::vector<float> attn_norm_, ffn_norm_, v_bias_;
};

// The tensor name stem of each linear ("attn_q", ...).
const char* linear_stem(int i);
// The group whose input each linear reads.
engine::LinearGroup linear_group(int i);

}  // namespace tandem::quant
