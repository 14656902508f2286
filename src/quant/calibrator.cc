#include "quant/calibrator.h"

#include <algorithm>
#include <limits>

namespace tandem::quant {
namespace {

int32_t chunk_ctx(const Calibration& c) {
  return c.chunks.empty() ? 1 : static_cast<int32_t>(c.chunks.front().size());
}

}  // namespace

Calibrator::Calibrator(const engine::Model& m, const Calibration& c, int threads)
    : calib_(c), tf_(m, threads), pool_(threads), cache_(tf_.make_cache(chunk_ctx(c))) {}

void Calibrator::run(int64_t l, std::span<const engine::LinearGroup> groups,
                     const LayerWeightsFn& weights, int64_t max_tokens, const Sink& sink) {
  const bool to_end = l >= tf_.model().config().n_layer;
  engine::ForwardHooks hooks;
  // The output projection's input needs the whole stack and logits for every token.
  hooks.stop_after_layer = to_end ? -1 : l;
  hooks.layer_weights = weights;
  hooks.on_linear_input = [&](int64_t layer, engine::LinearGroup g, const float* x, int64_t n,
                              int64_t cols) {
    if (layer == l && std::find(groups.begin(), groups.end(), g) != groups.end())
      sink(g, x, n, cols);
  };
  int64_t used = 0;
  for (const auto& chunk : calib_.chunks) {
    if (used >= max_tokens) break;
    used += static_cast<int64_t>(chunk.size());
    cache_.clear(0);  // a full forward advances the cache; every chunk starts afresh
    tf_.forward(engine::Batch::sequence(chunk, 0, 0, to_end), cache_, &hooks);
  }
}

std::map<engine::LinearGroup, InputStats> Calibrator::collect(
    int64_t l, std::span<const engine::LinearGroup> groups, const LayerWeightsFn& weights) {
  std::map<engine::LinearGroup, InputStats> stats;
  run(l, groups, weights, std::numeric_limits<int64_t>::max(),
      [&](engine::LinearGroup g, const float* x, int64_t n, int64_t cols) {
        stats.try_emplace(g, cols).first->second.add(x, n, pool_);
      });
  return stats;
}

std::vector<float> Calibrator::capture(int64_t l, engine::LinearGroup g,
                                       const LayerWeightsFn& weights, int64_t max_tokens) {
  std::vector<float> rows;
  const engine::LinearGroup one[] = {g};
  run(l, one, weights, max_tokens,
      [&](engine::LinearGroup, const float* x, int64_t n, int64_t cols) {
        rows.insert(rows.end(), x, x + n * cols);
      });
  return rows;
}

}  // namespace tandem::quant
