#include "quant/layer_store.h"

#include "kernels/quant/quant_formats.h"

namespace tandem::quant {
namespace {

// The LayerWeights slot of each LinearId.
constexpr kernels::WeightView engine::LayerWeights::*kSlots[kNumLinears] = {
    &engine::LayerWeights::wq,    &engine::LayerWeights::wk,     &engine::LayerWeights::wv,
    &engine::LayerWeights::wo,    &engine::LayerWeights::w_gate, &engine::LayerWeights::w_up,
    &engine::LayerWeights::w_down};

}  // namespace

const char* linear_stem(int i) {
  static const char* kStems[] = {"attn_q",   "attn_k", "attn_v",  "attn_output",
                                 "ffn_gate", "ffn_up", "ffn_down"};
  return kStems[i];
}

engine::LinearGroup linear_group(int i) {
  switch (i) {
    case kQ:
    case kK:
    case kV:
      return engine::LinearGroup::kAttnQkv;
    case kO:
      return engine::LinearGroup::kAttnOutput;
    case kGate:
    case kUp:
      return engine::LinearGroup::kFfnGateUp;
    default:
      return engine::LinearGroup::kFfnDown;
  }
}

kernels::WeightView LinearStore::view() const {
  kernels::WeightView v;
  v.rows = rows;
  v.cols = cols;
  if (quantized()) {
    v.type = type;
    v.data = bytes.data();
    v.row_bytes = model::row_bytes(type, cols);
  } else {
    v.type = model::GgmlType::F32;
    v.data = reinterpret_cast<const uint8_t*>(w.data());
    v.row_bytes = static_cast<size_t>(cols) * sizeof(float);
  }
  return v;
}

LayerStore::LayerStore(const engine::Model& model, int64_t l,
                       const std::array<model::GgmlType, kNumLinears>& types)
    : base_(model.weights().layers.at(static_cast<size_t>(l))), cur_(base_) {
  const auto& c = model.config();
  for (int i = 0; i < kNumLinears; ++i) {
    const auto& src = base_.*kSlots[i];
    auto& s = lin_[static_cast<size_t>(i)];
    s.name = "blk." + std::to_string(l) + "." + linear_stem(i) + ".weight";
    s.type = types[static_cast<size_t>(i)];
    s.rows = src.rows;
    s.cols = src.cols;
    s.w.resize(static_cast<size_t>(src.rows * src.cols));
    for (int64_t r = 0; r < src.rows; ++r)
      kernels::dequantize(src.type, src.row(r), s.w.data() + r * src.cols, src.cols);
  }
  attn_norm_.assign(base_.attn_norm, base_.attn_norm + c.n_embd);
  ffn_norm_.assign(base_.ffn_norm, base_.ffn_norm + c.n_embd);
  if (base_.v_bias) v_bias_.assign(base_.v_bias, base_.v_bias + c.kv_dim());
}

const engine::LayerWeights& LayerStore::weights() {
  cur_ = base_;
  for (int i = 0; i < kNumLinears; ++i) cur_.*kSlots[i] = lin_[static_cast<size_t>(i)].view();
  cur_.attn_norm = attn_norm_.data();
  cur_.ffn_norm = ffn_norm_.data();
  if (!v_bias_.empty()) cur_.v_bias = v_bias_.data();
  return cur_;
}

}  // namespace tandem::quant
