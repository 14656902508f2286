// The aarch64 SDOT and SMMLA kernels (matmul_arm.cc) against the portable Highway kernels, on
// every quantized type they cover, at row and token offsets that leave odd edges. Integer
// block dots are exact on every path, so only float summation order may differ.
// scripts/arm-test.sh runs this under qemu on CPUs with both extensions, SDOT only and neither.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/matmul.h"
#include "kernels/matmul_internal.h"
#include "matmul_reference.h"

namespace tandem::kernels {
namespace {

using detail::ArmInt8;
using model::GgmlType;

// matmul_arm.cc's kernel alone on rows [0, rows) x tokens [0, nt), as four items split at
// row 1 and token 1 so tiles start at odd offsets.
std::vector<float> run_arm_kernel(const WeightView& w, const std::vector<float>& x, int64_t nt) {
  const int64_t cols = w.cols, nb = cols / 32;
  std::vector<int8_t> q(static_cast<size_t>(nt * cols));
  std::vector<float> d(static_cast<size_t>(nt * nb)), s(d.size());
  std::vector<int32_t> isum(d.size());
  for (int64_t t = 0; t < nt; ++t)
    detail::quantize_acts(x.data() + t * cols, cols, q.data() + t * cols, d.data() + t * nb,
                          s.data() + t * nb, isum.data() + t * nb);
  std::vector<float> out(static_cast<size_t>(nt * w.rows), NAN);
  detail::MatmulArgs a;
  a.w = &w;
  a.x = x.data();
  a.acts = {q.data(), d.data(), s.data(), isum.data(), nullptr, false};
  a.n_tokens = nt;
  a.out = out.data();
  for (auto [r0, r1] : {std::pair<int64_t, int64_t>{0, 1}, {1, w.rows}})
    for (auto [t0, t1] : {std::pair<int64_t, int64_t>{0, 1}, {1, nt}})
      if (r0 < r1 && t0 < t1) {
        EXPECT_TRUE(detail::arm_item_int8(a, r0, r1, t0, t1));
      }
  return out;
}

TEST(ArmInt8, EveryPathAgreesWithPortableOnEveryQuantType) {
  const ArmInt8 best = detail::arm_int8_path();
  // The qemu runs name the CPU's extensions, so a detection that finds none fails there.
  if (const char* want = std::getenv("TANDEM_EXPECT_ARM_INT8")) {
    EXPECT_STREQ(detail::arm_int8_name(best), want);
  }
  if (best == ArmInt8::kPortable) GTEST_SKIP() << "this CPU has neither SDOT nor SMMLA";
  ThreadPool pool(1);
  std::mt19937 rng(77);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  for (ArmInt8 path = ArmInt8::kDotprod; path <= best;
       path = static_cast<ArmInt8>(static_cast<int>(path) + 1)) {
    for (GgmlType type :
         {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::IQ4_NL,
          GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K}) {
      double worst = 0, worst_abs = 0;  // |path - portable| / sum|w x|, and absolute
      int differing = 0, outputs = 0;
      for (int64_t rows : {1, 2, 5, 18}) {
        for (int64_t nt : {1, 2, 3, 6, 9}) {
          const int64_t cols = 512;
          SCOPED_TRACE(std::string(detail::arm_int8_name(path)) + " " +
                       std::string(model::type_name(type)) + " rows=" + std::to_string(rows) +
                       " tokens=" + std::to_string(nt));
          test::Matrix m = test::make_matrix(type, rows, cols, rng);
          std::vector<float> x(static_cast<size_t>(nt * cols));
          for (auto& v : x) v = nd(rng);
          std::vector<float> portable(static_cast<size_t>(nt * rows));
          const ArmInt8 before = detail::limit_arm_int8(ArmInt8::kPortable);
          matmul(m.view, x.data(), nt, portable.data(), pool);
          detail::limit_arm_int8(path);
          const std::vector<float> got = run_arm_kernel(m.view, x, nt);
          std::vector<float> via_matmul(portable.size());
          matmul(m.view, x.data(), nt, via_matmul.data(), pool);
          detail::limit_arm_int8(before);
          for (int64_t t = 0; t < nt; ++t) {
            for (int64_t r = 0; r < rows; ++r) {
              double l1 = 0;
              for (int64_t c = 0; c < cols; ++c)
                l1 += std::fabs(static_cast<double>(m.deq[r * cols + c]) * x[t * cols + c]);
              const size_t i = static_cast<size_t>(t * rows + r);
              // The kernel alone, and through matmul() (other tile edges, so other pairs).
              for (const float v : {got[i], via_matmul[i]}) {
                const double diff = std::fabs(static_cast<double>(v) - portable[i]);
                // Float reorderings of 16 blocks' partial sums stay within a few ulps of l1.
                ASSERT_LE(diff, 32 * FLT_EPSILON * l1) << "token " << t << " row " << r;
                worst = std::max(worst, diff / l1);
                worst_abs = std::max(worst_abs, diff);
                differing += diff != 0;
                ++outputs;
              }
            }
          }
        }
      }
      std::printf(
          "  %-8s %-5s vs portable: max |diff| %.3g, max |diff|/sum|w*x| %.3g, %d of %d "
          "outputs differ\n",
          detail::arm_int8_name(path), model::type_name(type).data(), worst_abs, worst, differing,
          outputs);
    }
  }
}

}  // namespace
}  // namespace tandem::kernels
