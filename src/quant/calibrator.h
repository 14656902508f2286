// Runs the calibration chunks through the model (earlier layers as the quantizer left them)
// and hands back what the linears of one layer see: input statistics for GPTQ/AWQ, or the
// raw input rows for AWQ's block-output scoring.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "kernels/thread_pool.h"
#include "quant/calibration.h"
#include "quant/input_stats.h"

namespace tandem::quant {

// Weights to use for layer i instead of the model's (nullptr: the model's).
using LayerWeightsFn = std::function<const engine::LayerWeights*(int64_t layer)>;

class Calibrator {
 public:
  Calibrator(const engine::Model& m, const Calibration& c, int threads);

  // Input statistics of `groups` of layer l. l = n_layer with kOutput: the output
  // projection's input after the whole (overridden) stack.
  std::map<engine::LinearGroup, InputStats> collect(int64_t l,
                                                    std::span<const engine::LinearGroup> groups,
                                                    const LayerWeightsFn& weights);
  // The input rows of group g of layer l over the first `max_tokens` calibration tokens
  // (whole chunks), in calibration order: rows × cols floats.
  std::vector<float> capture(int64_t l, engine::LinearGroup g, const LayerWeightsFn& weights,
                             int64_t max_tokens);
  kernels::ThreadPool& pool() { return pool_; }

 private:
  using Sink = std::function<void(engine::LinearGroup g, const float* x, int64_t n, int64_t cols)>;
  // One pass over the chunks (up to max_tokens) feeding `groups` of layer l to `sink`.
  void run(int64_t l, std::span<const engine::LinearGroup> groups, const LayerWeightsFn& weights,
           int64_t max_tokens, const Sink& sink);

  const Calibration& calib_;
  engine::Transformer tf_;
  kernels::ThreadPool pool_;
  engine::KvCache cache_;
};

}  // namespace tandem::quant
