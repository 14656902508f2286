// Micro-benchmarks of matmul at TinyLlama-1.1B shapes, per weight type, decode and prefill.
// Bytes/s counts weight bytes streamed per call, the figure of merit for memory-bound decode.
// Threads: bench_pool.h. TANDEM_BENCH_TARGET=AVX2 (or any Highway target name the CPU runs)
// limits every benchmark in the binary to that target: how a CPU without AVX-512 runs the
// same kernels.
#include <benchmark/benchmark.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "bench_pool.h"
#include "kernels/matmul.h"
#include "kernels/packed_weights.h"
#include "kernels/quant/quant_formats.h"
#include "kernels/simd_target.h"
#include "kernels/thread_pool.h"

namespace {

using tandem::kernels::WeightView;
using tandem::model::GgmlType;

const GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16,
                           GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1,
                           GgmlType::Q5_0, GgmlType::Q4_K, GgmlType::Q6_K};

// Before the BENCHMARK registrations below: they ask whether packing pays on this target.
const bool kTargetLimited = [] {
  const char* want = std::getenv("TANDEM_BENCH_TARGET");
  if (want == nullptr) return false;
  try {
    tandem::kernels::limit_simd_target(want);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "TANDEM_BENCH_TARGET: %s\n", e.what());
    std::exit(2);
  }
  return true;
}();

using tandem::bench::pool;

// Values do not affect speed: quantize a few rows and repeat them, so setup stays fast.
const std::vector<uint8_t>& weights(GgmlType t, int64_t rows, int64_t cols) {
  static std::map<std::tuple<int, int64_t, int64_t>, std::vector<uint8_t>> cache;
  auto key = std::make_tuple(static_cast<int>(t), rows, cols);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const size_t rb = tandem::model::row_bytes(t, cols);
  constexpr int64_t kDistinct = 16;
  std::mt19937 rng(1);
  std::normal_distribution<float> nd(0.0f, 0.02f);
  std::vector<float> src(static_cast<size_t>(cols * kDistinct));
  for (auto& v : src) v = nd(rng);
  std::vector<uint8_t> block(rb * kDistinct);
  tandem::kernels::quantize(t, src.data(), block.data(), cols * kDistinct);
  std::vector<uint8_t> bytes(rb * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(bytes.data() + r * rb, block.data() + (r % kDistinct) * rb, rb);
  return cache.emplace(key, std::move(bytes)).first->second;
}

void BM_Matmul(benchmark::State& state) {
  const GgmlType t = kTypes[state.range(0)];
  const int64_t rows = state.range(1);
  const int64_t cols = state.range(2);
  const int64_t n_tokens = state.range(3);
  const bool packed = state.range(4) != 0;
  const auto& bytes = weights(t, rows, cols);
  WeightView w{t, rows, cols, bytes.data(), tandem::model::row_bytes(t, cols)};
  tandem::kernels::PackedWeights pw;
  if (packed) {
    pw = tandem::kernels::PackedWeights::pack(w);
    w.packed = pw.data();
  }
  std::vector<float> x(static_cast<size_t>(n_tokens * cols), 0.5f);
  std::vector<float> out(static_cast<size_t>(n_tokens * rows));
  for (auto _ : state) {
    tandem::kernels::matmul(w, x.data(), n_tokens, out.data(), pool());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes.size()));
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * static_cast<double>(rows * cols * n_tokens) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(tandem::kernels::simd_target_name() + " " +
                 std::string(tandem::model::type_name(t)) + " " + std::to_string(rows) + "x" +
                 std::to_string(cols) + " t=" + std::to_string(n_tokens) +
                 " threads=" + std::to_string(pool().size()) + (packed ? " packed" : ""));
}

void Shapes(benchmark::internal::Benchmark* b) {
  const std::pair<int64_t, int64_t> shapes[] = {{2048, 2048}, {5632, 2048}, {2048, 5632}};
  for (int ti = 0; ti < static_cast<int>(std::size(kTypes)); ++ti)
    for (auto [rows, cols] : shapes)
      for (int64_t nt : {1, 8, 16, 64, 128}) {  // decode, verify, prefill
        b->Args({ti, rows, cols, nt, 0});
        // The 16-row panels matmul uses when the CPU has the native kernel (AVX-512 VNNI).
        const WeightView probe{kTypes[ti], rows, cols, nullptr, 0};
        if (tandem::kernels::packing_pays(probe)) b->Args({ti, rows, cols, nt, 1});
      }
}

BENCHMARK(BM_Matmul)->Apply(Shapes)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12's avx512fintrin.h trips -Wuninitialized on its own _mm512_undefined_* temporaries.
#pragma GCC diagnostic ignored "-Wuninitialized"
// The machine's int8 arithmetic ceiling for the packed kernels: vpdpbusd on 512-bit
// registers (64 multiply-adds each) over 12 independent accumulators. Divide by ~1.0e9
// multiply-adds per TinyLlama token for the prefill roofline.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int64_t dpbusd_loop(int64_t n) {
  __m512i acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi8(3);
  const __m512i b = _mm512_set1_epi8(5);
  for (int64_t k = 0; k < n; ++k) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));  // keeps the loop from being folded
  }
  __m512i s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_epi32(s, acc[i]);
  return _mm512_reduce_add_epi32(s);
}

void BM_Int8DotPeak(benchmark::State& state) {
  if (!__builtin_cpu_supports("avx512vnni")) {
    state.SkipWithError("no AVX-512 VNNI");
    return;
  }
  constexpr int64_t kIters = 1 << 20;
  for (auto _ : state) benchmark::DoNotOptimize(dpbusd_loop(kIters));
  state.counters["GMAC/s"] =
      benchmark::Counter(64.0 * 12 * kIters * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel("one thread, vpdpbusd zmm");
}
BENCHMARK(BM_Int8DotPeak)->Unit(benchmark::kMillisecond);
#endif
