// Also compile the AVX-512 VNNI target (Highway 1.0.3 leaves it out unless asked); must
// precede every Highway include.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL
#endif
#include "kernels/matmul.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/matmul_internal.h"
#include "kernels/packed_weights.h"
#include "kernels/quant_formats.h"

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

bool detail::packed_kernel_native() {
  return HWY_DYNAMIC_DISPATCH(PackedNative)();
}

void detail::matmul_items(const MatmulArgs& args, int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(MatmulItems)(args, begin, end);
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
    case GgmlType::Q8_0:
    case GgmlType::Q4_K:
    case GgmlType::Q6_K:
      return true;
    default:
      return false;
  }
}

void matmul(const WeightView& w, const float* x, int64_t n_tokens, float* out, ThreadPool& pool) {
  check_weight(w, "matmul");
  if (n_tokens <= 0 || w.rows == 0) return;
  if (w.cols == 0) {
    std::fill(out, out + n_tokens * w.rows, 0.0f);
    return;
  }
  detail::MatmulArgs args;
  args.w = &w;
  args.x = x;
  args.n_tokens = n_tokens;
  args.out = out;
  if (!is_float_type(w.type)) {
    thread_local ActBuffers buf;
    const int64_t nb = w.cols / 32;
    const bool tiled = w.packed != nullptr;
    // Tiled buffers hold whole tiles; the unused slots of the last one are never read.
    const int64_t slots =
        tiled ? (n_tokens + detail::kActTile - 1) / detail::kActTile * detail::kActTile : n_tokens;
    buf.q.resize(static_cast<size_t>(slots * w.cols));
    buf.d.resize(static_cast<size_t>(slots * nb));
    buf.s.resize(static_cast<size_t>(slots * nb));
    buf.isum.resize(static_cast<size_t>(slots * nb));
    const bool halves = tiled && w.type == GgmlType::Q6_K;
    if (halves) buf.isum16.resize(static_cast<size_t>(2 * slots * nb));
    struct QuantJob {
      const float* x;
      int64_t cols, nb;
      bool tiled;
      int32_t isum_scale;
      bool halves;
      ActBuffers* buf;
    } job{x, w.cols, nb, tiled, packed_offset(w.type), halves, &buf};
    // Captures one reference so std::function stores it inline (no allocation).
    auto quant = [&job](int64_t t0, int64_t t1, int) {
      const int64_t stride = job.tiled ? detail::kActTile : 1;
      for (int64_t t = t0; t < t1; ++t) {
        const int64_t i = detail::act_index(t, 0, job.nb, job.tiled);
        detail::quantize_acts(job.x + t * job.cols, job.cols, job.buf->q.data() + i * 32,
                              job.buf->d.data() + i, job.buf->s.data() + i,
                              job.buf->isum.data() + i, stride, job.isum_scale,
                              job.halves ? job.buf->isum16.data() + 2 * i : nullptr);
      }
    };
    // A few tokens quantize in microseconds: cheaper inline than a pool hand-off.
    if (n_tokens <= kInlineQuantTokens) {
      quant(0, n_tokens, 0);
    } else {
      pool.parallel_for(n_tokens, quant);
    }
    args.acts = {buf.q.data(),
                 buf.d.data(),
                 buf.s.data(),
                 buf.isum.data(),
                 halves ? buf.isum16.data() : nullptr,
                 tiled};
  }
  // Work items: (row block, token tile) pairs; packed matrices use 16-row panels.
  const bool packed = w.packed != nullptr;
  args.row_block = packed ? kPanelRows : kRowBlock;
  args.token_tile = packed ? kPackedTokenTile : kTokenTile;
  args.n_token_tiles = (n_tokens + args.token_tile - 1) / args.token_tile;
  const int64_t n_items = (w.rows + args.row_block - 1) / args.row_block * args.n_token_tiles;
  const detail::MatmulArgs* ap = &args;
  pool.parallel_for(
      n_items,
      [ap, packed](int64_t begin, int64_t end, int) {
        if (packed) {
          detail::packed_items(*ap, begin, end);
        } else {
          detail::matmul_items(*ap, begin, end);
        }
      },
      kChunksPerThread);
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
