// Also compile the AVX-512 VNNI target (Highway 1.0.3 leaves it out unless asked); must
// precede every Highway include.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL
#endif
#include "kernels/matmul.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/matmul_internal.h"
#include "kernels/packed_weights.h"
#include "kernels/quant/quant_formats.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/matmul-inl.h"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
// Must come after foreach_target.h.
#include "kernels/matmul-inl.h"

#if HWY_ONCE
namespace tandem::kernels {

HWY_EXPORT(MatmulItems);
HWY_EXPORT(QuantizeActs);
HWY_EXPORT(TargetId);
HWY_EXPORT(PackedItems);
HWY_EXPORT(PackedNative);

void detail::quantize_acts(const float* x, int64_t cols, int8_t* q, float* d, float* s,
                           int32_t* isum, int64_t stride, int32_t isum_scale, int32_t* isum16) {
  HWY_DYNAMIC_DISPATCH(QuantizeActs)(x, cols, q, d, s, isum, stride, isum_scale, isum16);
}

void detail::packed_items(const MatmulArgs& args, int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(PackedItems)(args, begin, end);
}

bool detail::packed_kernel_native(model::GgmlType t) {
  return HWY_DYNAMIC_DISPATCH(PackedNative)(t);
}

void detail::matmul_items(const MatmulArgs& args, int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(MatmulItems)(args, begin, end);
}

bool detail::env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

int64_t detail::matmul_target() {
  return HWY_DYNAMIC_DISPATCH(TargetId)();
}

namespace {

using model::GgmlType;

bool is_float_type(GgmlType t) {
  return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

std::string name_of(GgmlType t) {
  try {
    return std::string(model::type_name(t));
  } catch (const std::invalid_argument&) {
    return "type " + std::to_string(static_cast<uint32_t>(t));
  }
}

void check_weight(const WeightView& w, const char* op) {
  if (!matmul_supports(w.type))
    throw std::invalid_argument(std::string(op) + ": unsupported weight type " + name_of(w.type));
  if (w.rows < 0 || w.cols < 0)
    throw std::invalid_argument(std::string(op) + ": negative matrix shape");
  const size_t need = model::row_bytes(w.type, w.cols);  // throws unless whole blocks
  if (w.rows > 0 && (w.data == nullptr || w.row_bytes < need))
    throw std::invalid_argument(std::string(op) + ": " + name_of(w.type) + " row of " +
                                std::to_string(w.cols) + " needs " + std::to_string(need) +
                                " bytes, stride is " + std::to_string(w.row_bytes));
}

// Reused across calls so a matmul allocates nothing once warm.
struct ActBuffers {
  std::vector<int8_t> q;
  std::vector<float> d;
  std::vector<float> s;
  std::vector<int32_t> isum;
  std::vector<int32_t> isum16;
};

// The packed kernels' integer offset: weights are stored as q + offset, unsigned.
int32_t packed_offset(GgmlType t) {
  if (t == GgmlType::Q4_0) return -8;
  if (t == GgmlType::Q8_0) return -128;
  if (t == GgmlType::Q6_K) return -32;
  return 1;
}

constexpr int64_t kRowBlock = 16;
constexpr int64_t kInlineQuantTokens = 16;
constexpr int64_t kTokenTile = 64;  // tokens sharing one unpacking of a row group
constexpr int64_t kPackedTokenTile = 32;
// Cores of a shared machine run at different speeds from moment to moment; several chunks
// per thread let the faster one take more instead of waiting at the end of every matmul.
constexpr int kChunksPerThread = 8;

}  // namespace

bool matmul_supports(GgmlType t) {
  switch (t) {
    case GgmlType::F32:
    case GgmlType::F16:
    case GgmlType::BF16:
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q5_0:
    case GgmlType::Q5_1:
    case GgmlType::IQ4_NL:
    case GgmlType::Q8_0:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
    case GgmlType::Q6_K:
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::IQ4_XS:
      return true;
    default:
      return false;
  }
}

namespace {

// The activations a weight type reads; matrices with equal formats share one quantization.
struct ActFormat {
  bool quantized = false;
  int64_t cols = 0;
  bool tiled = false;
  int32_t isum_scale = 1;
  bool halves = false;
  bool operator==(const ActFormat&) const = default;
};

ActFormat act_format(const WeightView& w) {
  if (is_float_type(w.type)) return {false, w.cols};
  const bool tiled = w.packed != nullptr;
  return {true, w.cols, tiled, packed_offset(w.type), tiled && w.type == GgmlType::Q6_K};
}

detail::QuantActs quantize_for(const ActFormat& f, const float* x, int64_t n_tokens,
                               ActBuffers& buf, ThreadPool& pool) {
  const int64_t nb = f.cols / 32;
  // Tiled buffers hold whole tiles; the unused slots of the last one are never read.
  const int64_t slots =
      f.tiled ? (n_tokens + detail::kActTile - 1) / detail::kActTile * detail::kActTile : n_tokens;
  buf.q.resize(static_cast<size_t>(slots * f.cols));
  buf.d.resize(static_cast<size_t>(slots * nb));
  buf.s.resize(static_cast<size_t>(slots * nb));
  buf.isum.resize(static_cast<size_t>(slots * nb));
  if (f.halves) buf.isum16.resize(static_cast<size_t>(2 * slots * nb));
  struct QuantJob {
    const float* x;
    const ActFormat* f;
    int64_t nb;
    ActBuffers* buf;
  } job{x, &f, nb, &buf};
  // Captures one reference so std::function stores it inline (no allocation).
  auto quant = [&job](int64_t t0, int64_t t1, int) {
    const ActFormat& f = *job.f;
    const int64_t stride = f.tiled ? detail::kActTile : 1;
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t i = detail::act_index(t, 0, job.nb, f.tiled);
      detail::quantize_acts(job.x + t * f.cols, f.cols, job.buf->q.data() + i * 32,
                            job.buf->d.data() + i, job.buf->s.data() + i, job.buf->isum.data() + i,
                            stride, f.isum_scale,
                            f.halves ? job.buf->isum16.data() + 2 * i : nullptr);
    }
  };
  // A few tokens quantize in microseconds: cheaper inline than a pool hand-off.
  if (n_tokens <= kInlineQuantTokens) {
    quant(0, n_tokens, 0);
  } else {
    pool.parallel_for(n_tokens, quant);
  }
  return {buf.q.data(),
          buf.d.data(),
          buf.s.data(),
          buf.isum.data(),
          f.halves ? buf.isum16.data() : nullptr,
          f.tiled};
}

// Work items: (row block, token tile) pairs; packed matrices use 16-row panels.
int64_t plan_items(detail::MatmulArgs& a) {
  const bool packed = a.w->packed != nullptr;
  a.row_block = packed ? kPanelRows : kRowBlock;
  a.token_tile = packed ? kPackedTokenTile : kTokenTile;
  a.n_token_tiles = (a.n_tokens + a.token_tile - 1) / a.token_tile;
  return (a.w->rows + a.row_block - 1) / a.row_block * a.n_token_tiles;
}

void run_items(const detail::MatmulArgs& a, int64_t begin, int64_t end) {
  if (a.w->packed != nullptr) {
    detail::packed_items(a, begin, end);
  } else {
    detail::matmul_items(a, begin, end);
  }
}

}  // namespace

void matmul_many(std::span<const MatmulJob> jobs, const float* x, int64_t n_tokens,
                 ThreadPool& pool) {
  if (jobs.size() > kMaxMatmulJobs)
    throw std::invalid_argument("matmul_many: at most " + std::to_string(kMaxMatmulJobs) +
                                " matrices per call, got " + std::to_string(jobs.size()));
  for (const auto& j : jobs) {
    if (j.w == nullptr || (j.out == nullptr && j.w->rows > 0 && n_tokens > 0))
      throw std::invalid_argument("matmul_many: null weight or output");
    check_weight(*j.w, "matmul");
    if (j.w->cols != jobs[0].w->cols)
      throw std::invalid_argument("matmul_many: matrices read inputs of different widths (" +
                                  std::to_string(jobs[0].w->cols) + " and " +
                                  std::to_string(j.w->cols) + ")");
  }
  if (n_tokens <= 0) return;
  thread_local std::array<ActBuffers, kMaxMatmulJobs> bufs;
  struct Plan {
    std::array<detail::MatmulArgs, kMaxMatmulJobs> args;
    std::array<int64_t, kMaxMatmulJobs + 1> first{};  // job i's items start at first[i]
    size_t n = 0;
  } plan;
  std::array<ActFormat, kMaxMatmulJobs> formats;
  plan.n = jobs.size();
  for (size_t i = 0; i < jobs.size(); ++i) {
    const WeightView& w = *jobs[i].w;
    auto& a = plan.args[i];
    a.w = &w;
    a.x = x;
    a.n_tokens = n_tokens;
    a.out = jobs[i].out;
    int64_t items = 0;
    if (w.rows > 0 && w.cols == 0) {
      std::fill(a.out, a.out + n_tokens * w.rows, 0.0f);
    } else if (w.rows > 0) {
      formats[i] = act_format(w);
      if (formats[i].quantized) {
        size_t same = 0;
        while (same < i && !(formats[same] == formats[i] && plan.args[same].w->rows > 0)) ++same;
        a.acts =
            same < i ? plan.args[same].acts : quantize_for(formats[i], x, n_tokens, bufs[i], pool);
      }
      items = plan_items(a);
    }
    plan.first[i + 1] = plan.first[i] + items;
  }
  const Plan* pp = &plan;
  pool.parallel_for(
      plan.first[plan.n],
      [pp](int64_t begin, int64_t end, int) {
        // A chunk may span the end of one matrix and the start of the next.
        for (size_t i = 0; i < pp->n; ++i) {
          const int64_t b = std::max(begin, pp->first[i]), e = std::min(end, pp->first[i + 1]);
          if (b < e) run_items(pp->args[i], b - pp->first[i], e - pp->first[i]);
        }
      },
      kChunksPerThread);
}

void matmul(const WeightView& w, const float* x, int64_t n_tokens, float* out, ThreadPool& pool) {
  const MatmulJob job{&w, out};
  matmul_many(std::span(&job, 1), x, n_tokens, pool);
}

void dequantize_row(const WeightView& w, int64_t r, float* dst) {
  check_weight(w, "dequantize_row");
  if (r < 0 || r >= w.rows)
    throw std::out_of_range("dequantize_row: row " + std::to_string(r) + " of " +
                            std::to_string(w.rows));
  dequantize(w.type, w.row(r), dst, w.cols);
}

}  // namespace tandem::kernels
#endif  // HWY_ONCE
