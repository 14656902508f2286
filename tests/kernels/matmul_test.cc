#define HWY_WANT_AVX3_DL  // iterate the VNNI target too (matmul.cc compiles it)
#include "kernels/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hwy/targets.h"
#include "kernels/matmul_internal.h"
#include "kernels/packed_weights.h"
#include "kernels/quant/quant_formats.h"
#include "matmul_reference.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;
using test::check_matmul;
using test::make_matrix;
using test::Matrix;

const GgmlType kFloatTypes[] = {GgmlType::F32, GgmlType::F16, GgmlType::BF16};
const GgmlType kBlock32Types[] = {GgmlType::Q4_0, GgmlType::Q4_1,   GgmlType::Q5_0,
                                  GgmlType::Q5_1, GgmlType::IQ4_NL, GgmlType::Q8_0};
const GgmlType kKTypes[] = {GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K,
                            GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_XS};

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
  std::vector<int32_t> isum(6);
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    detail::quantize_acts(x.data(), cols, q.data(), d.data(), s.data(), isum.data());
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
      ASSERT_EQ(isum[b], sum);
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
  WeightView w{GgmlType::IQ2_XS, 2, 256, bytes.data(), model::row_bytes(GgmlType::IQ2_XS, 256)};
  try {
    matmul(w, x.data(), 1, out.data(), pool);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("IQ2_XS"), std::string::npos) << e.what();
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

// Q/K/V-like groups (shared and differing activation formats, packed and row-major, an
// empty matrix) give exactly what one matmul per matrix gives.
TEST(Matmul, ManyMatchesOneAtATime) {
  ThreadPool pool(2);
  std::mt19937 rng(21);
  const int64_t cols = 512;
  for (bool packed : {false, true}) {
    for (int64_t nt : {1, 9, 40}) {
      std::vector<Matrix> ms;
      std::vector<PackedWeights> pws;
      for (auto [t, rows] : {std::pair{GgmlType::Q4_K, 48},
                             {GgmlType::Q4_K, 16},
                             {GgmlType::Q6_K, 16},
                             {GgmlType::Q4_0, 0}}) {
        ms.push_back(make_matrix(t, rows, cols, rng));
        if (packed && rows > 0) {
          pws.push_back(PackedWeights::pack(ms.back().view));
          ms.back().view.packed = pws.back().data();
        }
      }
      std::vector<float> x(static_cast<size_t>(nt * cols));
      std::normal_distribution<float> dist(0.0f, 1.0f);
      for (auto& v : x) v = dist(rng);
      std::vector<std::vector<float>> one(ms.size()), many(ms.size());
      std::vector<MatmulJob> jobs;
      for (size_t i = 0; i < ms.size(); ++i) {
        one[i].assign(static_cast<size_t>(nt * ms[i].view.rows), 0.0f);
        many[i].assign(one[i].size() + 1, -1.0f);  // never empty: a valid pointer
        matmul(ms[i].view, x.data(), nt, one[i].data(), pool);
        jobs.push_back({&ms[i].view, many[i].data()});
      }
      matmul_many(jobs, x.data(), nt, pool);
      for (size_t i = 0; i < ms.size(); ++i)
        for (size_t j = 0; j < one[i].size(); ++j)
          ASSERT_EQ(one[i][j], many[i][j])
              << "matrix " << i << " tokens " << nt << (packed ? " packed" : "");
    }
  }
}

TEST(Matmul, ManyRejectsMixedWidthsAndTooManyMatrices) {
  ThreadPool pool(1);
  std::mt19937 rng(2);
  const Matrix a = make_matrix(GgmlType::Q8_0, 4, 64, rng);
  const Matrix b = make_matrix(GgmlType::Q8_0, 4, 96, rng);
  std::vector<float> x(96), out(8);
  const MatmulJob mixed[] = {{&a.view, out.data()}, {&b.view, out.data()}};
  EXPECT_THROW(matmul_many(mixed, x.data(), 1, pool), std::invalid_argument);
  const std::vector<MatmulJob> five(kMaxMatmulJobs + 1, MatmulJob{&a.view, out.data()});
  EXPECT_THROW(matmul_many(five, x.data(), 1, pool), std::invalid_argument);
  const MatmulJob null_out[] = {{&a.view, nullptr}};
  EXPECT_THROW(matmul_many(null_out, x.data(), 1, pool), std::invalid_argument);
  EXPECT_NO_THROW(matmul_many(null_out, x.data(), 0, pool));  // no tokens: nothing written
}

}  // namespace
}  // namespace tandem::kernels
