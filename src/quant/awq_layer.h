// AWQ applied to a model: per transformer layer, the scale search for each group of linears
// sharing an input, the scales folded into what produces that input, then clipping; and the
// same for the output projection. Weights stay float here; quantization comes after.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kernels/thread_pool.h"
#include "quant/calibrator.h"
#include "quant/input_stats.h"
#include "quant/layer_store.h"

namespace tandem::quant {

struct AwqContext {
  Calibrator& calib;
  kernels::ThreadPool& pool;
  int64_t group = 32;          // quantization group size
  int64_t search_tokens = 0;   // calibration tokens for block-output scoring
  bool grouped_query = false;  // n_head != n_head_kv: o's input channels can't be rescaled
  std::function<void(const std::string&)> log;
};

// Layer l (float, in `s`): q/k/v scales scored on the attention output seen through o, and
// gate/up scales on the MLP output (down's input seen through down), both from forward
// passes in which earlier layers are already quantized; o and down on their own output
// (from `stats`, gathered before any scaling). α = 0 (plain RTN) is always a candidate, and
// a clip is kept only if it lowers the block output error, so on the calibration objective
// AWQ is never worse than RTN.
void awq_layer(int64_t l, LayerStore& s, const std::map<engine::LinearGroup, InputStats>& stats,
               const LayerWeightsFn& weights, const AwqContext& ctx);

// The output projection (rows × cols, `type`): scales scored on the logits' error, 1/s folded
// into `output_norm`, then clipping. Returns the scales (all 1 when α = 0).
std::vector<float> awq_output(std::vector<float>& w, int64_t rows, int64_t cols,
                              model::GgmlType type, std::vector<float>& output_norm,
                              const InputStats& st, const AwqContext& ctx);

}  // namespace tandem::quant
