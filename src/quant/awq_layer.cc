#include "quant/awq_layer.h"

#include <fmt/format.h>

#include <limits>

#include "quant/awq.h"
#include "quant/row_grid.h"

namespace tandem::quant {
namespace {

using engine::LinearGroup;
using model::GgmlType;

bool clippable(GgmlType t) {
  return t == GgmlType::Q4_0 || t == GgmlType::Q4_1 || t == GgmlType::Q8_0;
}

void scale_columns(std::vector<float>& w, int64_t rows, int64_t cols, const std::vector<float>& f) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) w[r * cols + j] *= f[j];
}
void scale_rows(LinearStore& s, const std::vector<float>& f) {
  for (int64_t r = 0; r < s.rows; ++r)
    for (int64_t j = 0; j < s.cols; ++j) s.w[r * s.cols + j] /= f[r];
}

// Folds 1/s into what produces the group's input, so the float model is unchanged.
void apply_scales(LayerStore& s, LinearGroup g, const std::vector<float>& sc) {
  auto cols = [&](int i) { scale_columns(s.linear(i).w, s.linear(i).rows, s.linear(i).cols, sc); };
  switch (g) {
    case LinearGroup::kAttnQkv:
      for (int i : {kQ, kK, kV}) cols(i);
      for (size_t j = 0; j < sc.size(); ++j) s.attn_norm()[j] /= sc[j];
      break;
    case LinearGroup::kAttnOutput:
      cols(kO);
      scale_rows(s.linear(kV), sc);
      for (size_t j = 0; j < s.v_bias().size(); ++j) s.v_bias()[j] /= sc[j];
      break;
    case LinearGroup::kFfnGateUp:
      for (int i : {kGate, kUp}) cols(i);
      for (size_t j = 0; j < sc.size(); ++j) s.ffn_norm()[j] /= sc[j];
      break;
    default:
      cols(kDown);
      scale_rows(s.linear(kUp), sc);
      break;
  }
}

// E[xxᵀ] of the inputs as the linears see them after scaling (x / s).
std::vector<double> scaled_gram(const InputStats& st, const std::vector<float>& sc) {
  std::vector<double> g = st.mean_xtx();
  const int64_t n = st.cols;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) g[i * n + j] /= static_cast<double>(sc[i]) * sc[j];
  return g;
}

// AutoAWQ's clipping for one linear, scored on its own output; logs the error ratio.
void clip_linear(const std::string& name, LinearStore& li, const std::vector<double>& gram,
                 const AwqContext& ctx) {
  if (!clippable(li.type)) return;
  const double rel = awq_clip(li.type, ctx.group, li.w, li.rows, li.cols, gram, ctx.pool);
  if (ctx.log) ctx.log(fmt::format("{}: AWQ clipping, output error x{:.3f}", name, rel));
}

// Every linear of g except q and k (their errors pass through RoPE and the softmax, which
// their own output error misjudges; AutoAWQ skips them too).
void clip_group(LayerStore& s, LinearGroup g, const std::vector<double>& gram,
                const AwqContext& ctx) {
  for (int i = 0; i < kNumLinears; ++i)
    if (linear_group(i) == g && i != kQ && i != kK)
      clip_linear(s.linear(i).name, s.linear(i), gram, ctx);
}

// Replaces the group's linears by their RTN round trip at scales sc, W ← Q(W·s)/s (the
// float weights a quantized, scale-folded layer computes with). Returns the originals.
std::vector<std::vector<float>> fake_quantize(LayerStore& s, LinearGroup g,
                                              const std::vector<float>& sc, const AwqContext& ctx) {
  std::vector<std::vector<float>> saved;
  for (int i = 0; i < kNumLinears; ++i) {
    if (linear_group(i) != g) continue;
    auto& li = s.linear(i);
    saved.push_back(li.w);
    if (!grid_supported(li.type)) continue;
    ctx.pool.parallel_for(li.rows, [&](int64_t b, int64_t e, int) {
      std::vector<float> row(static_cast<size_t>(li.cols)), q(row.size());
      for (int64_t r = b; r < e; ++r) {
        float* w = li.w.data() + r * li.cols;
        for (int64_t j = 0; j < li.cols; ++j) row[j] = w[j] * sc[j];
        fake_quant_row(li.type, ctx.group, row, q);
        for (int64_t j = 0; j < li.cols; ++j) w[j] = q[j] / sc[j];
      }
    });
  }
  return saved;
}

void restore(LayerStore& s, LinearGroup g, std::vector<std::vector<float>>& saved) {
  size_t k = 0;
  for (int i = 0; i < kNumLinears; ++i)
    if (linear_group(i) == g) s.linear(i).w = std::move(saved[k++]);
}

// The squared error of a block's output against the float layer: the input of the next
// linear (o for q/k/v, down for gate/up) captured on calibration text, seen through that
// linear's float weights, ‖W·(x − x_ref)‖² per token.
class BlockScorer {
 public:
  BlockScorer(int64_t l, LayerStore& s, LinearGroup g, const LayerWeightsFn& weights,
              const AwqContext& ctx)
      : l_(l),
        s_(s),
        next_group_(g == LinearGroup::kAttnQkv ? LinearGroup::kAttnOutput : LinearGroup::kFfnDown),
        next_(g == LinearGroup::kAttnQkv ? kO : kDown),
        weights_(weights),
        ctx_(ctx) {
    ref_ = ctx.calib.capture(l, next_group_, weights, ctx.search_tokens);
  }

  double error() {
    const std::vector<float> x = ctx_.calib.capture(l_, next_group_, weights_, ctx_.search_tokens);
    const auto& nl = s_.linear(next_);
    const int64_t cols = nl.cols, n = static_cast<int64_t>(x.size()) / cols;
    std::vector<double> per_token(static_cast<size_t>(n));
    ctx_.pool.parallel_for(n, [&](int64_t b, int64_t e, int) {
      std::vector<double> d(static_cast<size_t>(cols));
      for (int64_t t = b; t < e; ++t) {
        for (int64_t j = 0; j < cols; ++j)
          d[j] = static_cast<double>(x[t * cols + j]) - ref_[t * cols + j];
        double sum = 0;
        for (int64_t r = 0; r < nl.rows; ++r) {
          const float* w = nl.w.data() + r * cols;
          double y = 0;
          for (int64_t j = 0; j < cols; ++j) y += w[j] * d[j];
          sum += y * y;
        }
        per_token[t] = sum;
      }
    });
    double total = 0;
    for (double v : per_token) total += v;  // fixed order: deterministic
    return n > 0 ? total / static_cast<double>(n) : 0.0;
  }

 private:
  int64_t l_;
  LayerStore& s_;
  LinearGroup next_group_;
  int next_;
  const LayerWeightsFn& weights_;
  const AwqContext& ctx_;
  std::vector<float> ref_;
};

const char* group_name(LinearGroup g) {
  return g == LinearGroup::kAttnQkv ? "attn_qkv" : "ffn_gate_up";
}

// q/k/v or gate/up: α searched on the block output, then clipping kept only if it helps it.
void search_block(int64_t l, LayerStore& s, LinearGroup g, const InputStats& st,
                  const LayerWeightsFn& weights, const AwqContext& ctx) {
  BlockScorer scorer(l, s, g, weights, ctx);
  const std::vector<double> a = st.mean_abs();
  const int n_grid = 20;
  double best = std::numeric_limits<double>::infinity(), err0 = 0, best_alpha = 0;
  std::vector<float> best_sc;
  for (int step = 0; step <= n_grid; ++step) {
    const double alpha = static_cast<double>(step) / n_grid;
    const std::vector<float> sc = awq_scales(a, alpha);
    auto saved = fake_quantize(s, g, sc, ctx);
    const double e = scorer.error();
    restore(s, g, saved);
    if (step == 0) err0 = e;
    if (e < best) best = e, best_alpha = alpha, best_sc = sc;  // ties keep the smaller α
  }
  if (ctx.log)
    ctx.log(fmt::format("blk.{} {}: AWQ alpha {:.2f} (block output error {:.4g} -> {:.4g})", l,
                        group_name(g), best_alpha, err0, best));
  if (best_alpha != 0)
    apply_scales(s, g, best_sc);
  else
    best_sc = awq_scales(a, 0);

  // Clipping judged on the same block output: kept only where it lowers it.
  const std::vector<float> ones(best_sc.size(), 1.0f);
  std::vector<std::vector<float>> before;
  for (int i = 0; i < kNumLinears; ++i)
    if (linear_group(i) == g) before.push_back(s.linear(i).w);
  clip_group(s, g, scaled_gram(st, best_sc), ctx);
  auto saved = fake_quantize(s, g, ones, ctx);
  const double clipped = scorer.error();
  restore(s, g, saved);
  if (clipped >= best) {
    restore(s, g, before);
    if (ctx.log)
      ctx.log(fmt::format("blk.{} {}: clipping dropped (block output error {:.4g} -> {:.4g})", l,
                          group_name(g), best, clipped));
  }
}

// o or down: α searched on the linear's own output (exact from E[xxᵀ]), then clipping.
void search_own(int64_t l, LayerStore& s, LinearGroup g, const InputStats& st,
                const AwqContext& ctx) {
  const std::vector<float> ones(static_cast<size_t>(st.cols), 1.0f);
  const int i = g == LinearGroup::kAttnOutput ? kO : kDown;
  if (g == LinearGroup::kAttnOutput && ctx.grouped_query) {
    // o's input is v's output only when every head has its own v rows.
    if (ctx.log)
      ctx.log(
          fmt::format("blk.{} attn_output: no AWQ scaling (grouped-query attention: v rows "
                      "are shared by several heads)",
                      l));
    clip_group(s, g, scaled_gram(st, ones), ctx);
    return;
  }
  const auto& li = s.linear(i);
  const AwqLinear lin{li.type, li.rows, li.w};
  const auto r = awq_search(std::span<const AwqLinear>(&lin, 1), st, ctx.group, ctx.pool);
  if (ctx.log)
    ctx.log(fmt::format("blk.{} {}: AWQ alpha {:.2f} (output error {:.4g} -> {:.4g})", l,
                        linear_stem(i), r.alpha, r.error_alpha0, r.error));
  if (r.alpha != 0) apply_scales(s, g, r.scales);
  clip_group(s, g, scaled_gram(st, r.alpha != 0 ? r.scales : ones), ctx);
}

bool any_grid(const LayerStore& s, LinearGroup g) {
  for (int i = 0; i < kNumLinears; ++i)
    if (linear_group(i) == g && grid_supported(s.linear(i).type)) return true;
  return false;
}

}  // namespace

void awq_layer(int64_t l, LayerStore& s, const std::map<LinearGroup, InputStats>& stats,
               const LayerWeightsFn& weights, const AwqContext& ctx) {
  // AutoAWQ's order: q/k/v, o, gate/up, down; each search sees the earlier ones applied.
  for (LinearGroup g : {LinearGroup::kAttnQkv, LinearGroup::kAttnOutput, LinearGroup::kFfnGateUp,
                        LinearGroup::kFfnDown}) {
    if (!any_grid(s, g)) continue;
    if (g == LinearGroup::kAttnQkv || g == LinearGroup::kFfnGateUp)
      search_block(l, s, g, stats.at(g), weights, ctx);
    else
      search_own(l, s, g, stats.at(g), ctx);
  }
}

std::vector<float> awq_output(std::vector<float>& w, int64_t rows, int64_t cols, GgmlType type,
                              std::vector<float>& output_norm, const InputStats& st,
                              const AwqContext& ctx) {
  const AwqLinear lin{type, rows, w};
  const auto r = awq_search(std::span<const AwqLinear>(&lin, 1), st, ctx.group, ctx.pool);
  if (ctx.log)
    ctx.log(fmt::format("output: AWQ alpha {:.2f} (logit error {:.4g} -> {:.4g})", r.alpha,
                        r.error_alpha0, r.error));
  std::vector<float> sc(static_cast<size_t>(cols), 1.0f);
  if (r.alpha != 0) {
    sc = r.scales;
    scale_columns(w, rows, cols, sc);
    for (int64_t j = 0; j < cols; ++j) output_norm[j] /= sc[j];
  }
  if (clippable(type)) {
    const double rel = awq_clip(type, ctx.group, w, rows, cols, scaled_gram(st, sc), ctx.pool);
    if (ctx.log) ctx.log(fmt::format("output: AWQ clipping, logit error x{:.3f}", rel));
  }
  return sc;
}

}  // namespace tandem::quant
