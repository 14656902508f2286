#define HWY_WANT_AVX3_DL  // iterate the VNNI target too (matmul.cc compiles it)
#include "kernels/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "hwy/targets.h"
#include "kernels/matmul_internal.h"
#include "kernels/quant_formats.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;

struct Matrix {
  std::vector<uint8_t> bytes;
  std::vector<float> deq;  // dequantized weights, the reference's view of W
  WeightView view;
};

Matrix make_matrix(GgmlType t, int64_t rows, int64_t cols, std::mt19937& rng,
                   size_t extra_stride = 0) {
  std::normal_distribution<float> nd(0.0f, 1.0f);
  Matrix m;
  const size_t rb = model::row_bytes(t, cols) + extra_stride;
  m.bytes.assign(rb * static_cast<size_t>(rows) + 1, 0);
  m.deq.resize(static_cast<size_t>(rows * cols));
  std::vector<float> src(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (auto& v : src) v = nd(rng);
    quantize(t, src.data(), m.bytes.data() + r * rb, cols);
    dequantize(t, m.bytes.data() + r * rb, m.deq.data() + r * cols, cols);
  }
  m.view = WeightView{t, rows, cols, m.bytes.data(), rb};
  return m;
}

bool is_float(GgmlType t) {
  return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

// The activation quantization matmul promises: 8-bit, 32-blocks, d = amax/127, round to even.
std::vector<float> quantized_acts(const float* x, int64_t cols) {
  std::vector<float> out(static_cast<size_t>(cols));
  for (int64_t b = 0; b < cols / 32; ++b) {
    float amax = 0;
    for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b * 32 + j]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    for (int j = 0; j < 32; ++j)
      out[b * 32 + j] = static_cast<float>(std::lrint(x[b * 32 + j] * id)) * d;
  }
  return out;
}

// Checks matmul against a double-precision dot of the dequantized weights with (for block
// types) the same 8-bit activations the kernel uses, and loosely against the float x.
void check_matmul(GgmlType t, int64_t rows, int64_t cols, int64_t n_tokens, ThreadPool& pool,
                  std::mt19937& rng, size_t extra_stride = 0) {
  SCOPED_TRACE(std::string(model::type_name(t)) + " rows=" + std::to_string(rows) +
               " cols=" + std::to_string(cols) + " tokens=" + std::to_string(n_tokens) +
               " threads=" + std::to_string(pool.size()));
  Matrix m = make_matrix(t, rows, cols, rng, extra_stride);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(n_tokens * cols));
  for (auto& v : x) v = nd(rng);
  std::vector<float> out(static_cast<size_t>(n_tokens * rows), NAN);
  matmul(m.view, x.data(), n_tokens, out.data(), pool);
  for (int64_t tok = 0; tok < n_tokens; ++tok) {
    const float* xt = x.data() + tok * cols;
    const std::vector<float> xq =
        is_float(t) ? std::vector<float>(xt, xt + cols) : quantized_acts(xt, cols);
    for (int64_t r = 0; r < rows; ++r) {
      const float* w = m.deq.data() + r * cols;
      double exact = 0, ref = 0, mag = 0, act_err = 0;
      for (int64_t c = 0; c < cols; ++c) {
        exact += static_cast<double>(w[c]) * xt[c];
        ref += static_cast<double>(w[c]) * xq[c];
        mag += std::fabs(static_cast<double>(w[c]) * xt[c]);
        act_err += std::fabs(w[c]) * std::fabs(xq[c] - xt[c]);
      }
      const float got = out[static_cast<size_t>(tok * rows + r)];
      ASSERT_NEAR(got, ref, 2e-5 * mag + 1e-5) << "token " << tok << " row " << r;
      ASSERT_NEAR(got, exact, act_err + 2e-5 * mag + 1e-5) << "token " << tok << " row " << r;
    }
  }
}

const GgmlType kFloatTypes[] = {GgmlType::F32, GgmlType::F16, GgmlType::BF16};
const GgmlType kBlock32Types[] = {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q8_0};
const GgmlType kKTypes[] = {GgmlType::Q4_K, GgmlType::Q6_K};

void check_all_shapes(ThreadPool& pool, bool quick) {
  std::mt19937 rng(1234);
  const std::vector<int64_t> tokens =
      quick ? std::vector<int64_t>{1, 5} : std::vector<int64_t>{1, 2, 3, 4, 7, 19};
  for (GgmlType t : kFloatTypes)
    for (int64_t cols : {1, 7, 33, 172, 256})
      for (int64_t rows : {1, 5, 37})
        for (int64_t nt : tokens) check_matmul(t, rows, cols, nt, pool, rng);
  for (GgmlType t : kBlock32Types)
    for (int64_t cols : {32, 96, 512})
      for (int64_t rows : {1, 3, 33})
        for (int64_t nt : tokens) check_matmul(t, rows, cols, nt, pool, rng);
  for (GgmlType t : kKTypes)
    for (int64_t cols : {256, 768})
      for (int64_t rows : {1, 3, 33})
        for (int64_t nt : tokens) check_matmul(t, rows, cols, nt, pool, rng);
}

TEST(Matmul, MatchesReferenceSingleThread) {
  ThreadPool pool(1);
  check_all_shapes(pool, false);
}

TEST(Matmul, MatchesReferenceMultiThread) {
  ThreadPool pool(3);
  check_all_shapes(pool, false);
}

TEST(Matmul, LargerShapesAcrossTileBoundaries) {
  ThreadPool pool(4);
  std::mt19937 rng(99);
  for (GgmlType t : {GgmlType::F16, GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q4_K, GgmlType::Q6_K})
    check_matmul(t, 70, 512, 37, pool, rng);
}

TEST(Matmul, RowStrideLargerThanRow) {
  ThreadPool pool(2);
  std::mt19937 rng(5);
  for (GgmlType t : {GgmlType::F32, GgmlType::Q8_0, GgmlType::Q6_K})
    check_matmul(t, 9, 256, 3, pool, rng, /*extra_stride=*/6);
}

// Runs the checks once per compiled Highway target the CPU supports (SSE4, AVX2, AVX3, and
// the portable EMU128 fallback), so baseline paths are tested on a machine with AVX-512.
TEST(Matmul, EveryHighwayTarget) {
  ThreadPool pool(2);
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  ASSERT_FALSE(targets.empty());
  for (int64_t target : targets) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    std::printf("  matmul on Highway target %s\n", hwy::TargetName(target));
    EXPECT_EQ(detail::matmul_target(), target);
    check_all_shapes(pool, true);
  }
  hwy::SetSupportedTargetsForTest(0);
}

// The vectorized activation quantizer must give exactly the scalar definition's bytes on every
// target, including ties (x / d exactly k + 0.5, which round to even).
TEST(Matmul, QuantizeActsIsExactOnEveryHighwayTarget) {
  std::mt19937 rng(21);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const int64_t cols = 32 * 6;
  std::vector<float> x(static_cast<size_t>(cols));
  for (auto& v : x) v = nd(rng);
  for (int j = 0; j < 32; ++j) x[32 + j] = 0.0f;                              // all-zero block
  for (int j = 0; j < 32; ++j) x[64 + j] = static_cast<float>(j % 8) - 3.5f;  // d = 127 / 127
  x[64] = 127.0f;
  std::vector<int8_t> q(static_cast<size_t>(cols));
  std::vector<float> d(6), s(6);
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    detail::quantize_acts(x.data(), cols, q.data(), d.data(), s.data());
    for (int64_t b = 0; b < 6; ++b) {
      float amax = 0;
      for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b * 32 + j]));
      const float db = amax / 127.0f;
      const float id = db != 0 ? 1.0f / db : 0.0f;
      int sum = 0;
      for (int j = 0; j < 32; ++j) {
        const long v = std::lrint(x[b * 32 + j] * id);
        ASSERT_EQ(q[b * 32 + j], v) << "block " << b << " elem " << j;
        sum += static_cast<int>(v);
      }
      ASSERT_EQ(d[b], db);
      ASSERT_EQ(s[b], db * static_cast<float>(sum));
    }
    EXPECT_EQ(q[64 + 4], 0);   // 0.5 rounds to even
    EXPECT_EQ(q[64 + 5], 2);   // 1.5 rounds to even
    EXPECT_EQ(q[64 + 1], -2);  // -2.5 rounds to even
  }
  hwy::SetSupportedTargetsForTest(0);
}

TEST(Matmul, ZeroActivationsGiveZero) {
  ThreadPool pool(2);
  std::mt19937 rng(3);
  for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q4_K, GgmlType::F16}) {
    Matrix m = make_matrix(t, 4, 256, rng);
    std::vector<float> x(256, 0.0f), out(4, NAN);
    matmul(m.view, x.data(), 1, out.data(), pool);
    for (float v : out) EXPECT_EQ(v, 0.0f) << model::type_name(t);
  }
}

TEST(Matmul, RejectsUnsupportedAndMalformed) {
  ThreadPool pool(1);
  std::vector<uint8_t> bytes(4096);
  std::vector<float> x(256), out(4);
  WeightView w{GgmlType::Q5_K, 2, 256, bytes.data(), model::row_bytes(GgmlType::Q5_K, 256)};
  try {
    matmul(w, x.data(), 1, out.data(), pool);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Q5_K"), std::string::npos) << e.what();
  }
  WeightView short_rows{GgmlType::Q4_0, 2, 256, bytes.data(), 10};
  EXPECT_THROW(matmul(short_rows, x.data(), 1, out.data(), pool), std::invalid_argument);
  WeightView partial{GgmlType::Q4_0, 2, 40, bytes.data(), 100};
  EXPECT_THROW(matmul(partial, x.data(), 1, out.data(), pool), std::invalid_argument);
  EXPECT_THROW(dequantize_row(w, 0, out.data()), std::invalid_argument);
}

TEST(Matmul, DequantizeRowMatchesDequantize) {
  std::mt19937 rng(11);
  for (GgmlType t :
       {GgmlType::F32, GgmlType::BF16, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q6_K}) {
    Matrix m = make_matrix(t, 3, 512, rng);
    std::vector<float> row(512);
    for (int64_t r = 0; r < 3; ++r) {
      dequantize_row(m.view, r, row.data());
      for (int64_t c = 0; c < 512; ++c) ASSERT_EQ(row[c], m.deq[r * 512 + c]);
    }
    EXPECT_THROW(dequantize_row(m.view, 3, row.data()), std::out_of_range);
  }
}

}  // namespace
}  // namespace tandem::kernels
