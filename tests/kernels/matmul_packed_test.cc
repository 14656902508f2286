#define HWY_WANT_AVX3_DL  // iterate the VNNI target too (matmul.cc compiles it)
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <stdexcept>
#include <vector>

#include "hwy/targets.h"
#include "kernels/matmul.h"
#include "kernels/matmul_internal.h"
#include "kernels/packed_weights.h"
#include "matmul_reference.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;
using test::check_matmul;
using test::make_matrix;
using test::Matrix;

const GgmlType kPackable[] = {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q6_K};

// Rows around the 16-row panel (1, partial, exact, one over) and token counts around the
// native kernel's 8-token tile and the 64-token work item.
void check_packed_shapes(ThreadPool& pool, bool quick) {
  std::mt19937 rng(77);
  const std::vector<int64_t> tokens =
      quick ? std::vector<int64_t>{1, 9} : std::vector<int64_t>{1, 2, 3, 7, 8, 9, 17, 70};
  const std::vector<int64_t> rows =
      quick ? std::vector<int64_t>{5, 17} : std::vector<int64_t>{1, 5, 16, 17, 33};
  for (GgmlType t : kPackable) {
    const std::vector<int64_t> cols = model::traits(t).block_size == 256
                                          ? std::vector<int64_t>{256, 768}
                                          : std::vector<int64_t>{32, 96, 512};
    for (int64_t c : cols)
      for (int64_t r : rows)
        for (int64_t nt : tokens)
          check_matmul(t, r, c, nt, pool, rng, /*extra_stride=*/0, /*packed=*/true);
  }
}

TEST(PackedMatmul, MatchesReferenceOnBestTarget) {
  ThreadPool pool(2);
  check_packed_shapes(pool, false);
}

// Every compiled target the CPU runs: AVX3_DL takes the native kernel, the others the
// portable loops; both must read the same layout.
TEST(PackedMatmul, EveryHighwayTarget) {
  ThreadPool pool(3);
  for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    std::printf("  packed matmul on %s (native kernel: %s)\n", hwy::TargetName(target),
                detail::packed_kernel_native(model::GgmlType::Q4_0) ? "yes" : "no");
    check_packed_shapes(pool, true);
  }
  hwy::SetSupportedTargetsForTest(0);
}

// Packed and row-major results agree closely (only float summation order differs).
TEST(PackedMatmul, AgreesWithRowMajorKernel) {
  ThreadPool pool(2);
  std::mt19937 rng(5);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  for (GgmlType t : kPackable) {
    Matrix m = make_matrix(t, 40, 512, rng);
    const PackedWeights pw = PackedWeights::pack(m.view);
    WeightView pv = m.view;
    pv.packed = pw.data();
    for (int64_t nt : {1, 12}) {
      std::vector<float> x(static_cast<size_t>(nt * 512));
      for (auto& v : x) v = nd(rng);
      std::vector<float> a(static_cast<size_t>(nt * 40)), b(a.size());
      matmul(m.view, x.data(), nt, a.data(), pool);
      matmul(pv, x.data(), nt, b.data(), pool);
      for (size_t i = 0; i < a.size(); ++i)
        ASSERT_NEAR(a[i], b[i], 1e-4f * (1.0f + std::fabs(a[i]))) << model::type_name(t);
    }
  }
}

TEST(PackedMatmul, LayoutSizesAndErrors) {
  const PackedLayout q4 = packed_layout(GgmlType::Q4_0, 2048);
  EXPECT_EQ(q4.nb, 64);
  EXPECT_EQ(q4.panel_bytes, 64 * (256 + 32));  // same bytes as 16 rows of Q4_0 blocks
  const PackedLayout q8 = packed_layout(GgmlType::Q8_0, 96);
  EXPECT_EQ(q8.panel_bytes % 64, 0);
  EXPECT_GE(q8.panel_bytes, 3 * (512 + 32));
  EXPECT_EQ(packed_layout(GgmlType::Q4_K, 5632).nb, 22);
  EXPECT_THROW(packed_layout(GgmlType::Q4_0, 40), std::invalid_argument);
  EXPECT_EQ(packed_layout(GgmlType::Q6_K, 512).panel_bytes, 2 * 16 * 210);  // as Q6_K itself
  EXPECT_THROW(packed_layout(GgmlType::Q6_K, 128), std::invalid_argument);
  EXPECT_THROW(packed_layout(GgmlType::Q5_0, 256), std::invalid_argument);
  EXPECT_FALSE(packable(GgmlType::F16));
  std::mt19937 rng(1);
  Matrix m = make_matrix(GgmlType::F16, 2, 64, rng);
  EXPECT_FALSE(packing_pays(m.view));
  EXPECT_THROW(PackedWeights::pack(m.view), std::invalid_argument);
  // The last panel of 17 rows holds one real row and 15 zero rows.
  Matrix q = make_matrix(GgmlType::Q4_0, 17, 64, rng);
  const PackedWeights pw = PackedWeights::pack(q.view);
  EXPECT_EQ(pw.size(), static_cast<size_t>(2 * packed_layout(GgmlType::Q4_0, 64).panel_bytes));
}

}  // namespace
}  // namespace tandem::kernels
