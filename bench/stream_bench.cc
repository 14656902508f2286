// Matmul with weights that come from DRAM, as in a real forward pass: one 5632x2048 matrix
// (TinyLlama's FFN shape) per iteration, cycling through copies that together exceed the
// last-level cache. Decode (1 token) is bound by bandwidth; an 8-token verification should
// cost little more when the arithmetic overlaps the streaming. Threads: bench_pool.h.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bench_pool.h"
#include "kernels/matmul.h"
#include "kernels/packed_weights.h"
#include "kernels/quant/quant_formats.h"
#include "kernels/thread_pool.h"

namespace {

using tandem::kernels::PackedWeights;
using tandem::kernels::WeightView;
using tandem::model::GgmlType;

constexpr int64_t kRows = 5632, kCols = 2048;
constexpr size_t kStreamBytes = size_t{400} << 20;  // beyond a 260 MB L3

struct Copies {
  std::vector<uint8_t> bytes;         // one row-major matrix
  std::vector<PackedWeights> packed;  // its packed copies
  std::vector<WeightView> views;
};

const Copies& copies(GgmlType t) {
  static std::vector<std::pair<GgmlType, Copies>> cache;
  for (auto& [type, c] : cache)
    if (type == t) return c;
  Copies c;
  const size_t rb = tandem::model::row_bytes(t, kCols);
  std::mt19937 rng(3);
  std::normal_distribution<float> nd(0.0f, 0.02f);
  std::vector<float> src(static_cast<size_t>(kRows * kCols));
  for (auto& v : src) v = nd(rng);
  c.bytes.resize(rb * kRows);
  tandem::kernels::quantize(t, src.data(), c.bytes.data(), kRows * kCols);
  const WeightView w{t, kRows, kCols, c.bytes.data(), rb};
  const size_t n = kStreamBytes / c.bytes.size() + 1;
  for (size_t i = 0; i < n; ++i) {
    c.packed.push_back(PackedWeights::pack(w));
    WeightView v = w;
    v.packed = tandem::kernels::packing_pays(w) ? c.packed.back().data() : nullptr;
    c.views.push_back(v);
  }
  cache.emplace_back(t, std::move(c));
  return cache.back().second;
}

void BM_MatmulFromDram(benchmark::State& state) {
  const GgmlType t = state.range(0) == 0   ? GgmlType::Q4_0
                     : state.range(0) == 1 ? GgmlType::Q8_0
                                           : GgmlType::Q4_K;
  const int64_t n_tokens = state.range(1);
  const Copies& c = copies(t);
  std::vector<float> x(static_cast<size_t>(n_tokens * kCols), 0.5f);
  std::vector<float> out(static_cast<size_t>(n_tokens * kRows));
  size_t i = 0;
  for (auto _ : state) {
    tandem::kernels::matmul(c.views[i], x.data(), n_tokens, out.data(), tandem::bench::pool());
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % c.views.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(c.bytes.size()));
  state.SetLabel(std::string(tandem::model::type_name(t)) + " t=" + std::to_string(n_tokens) +
                 " threads=" + std::to_string(tandem::bench::pool().size()) +
                 (c.views[0].packed ? " packed" : ""));
}
BENCHMARK(BM_MatmulFromDram)
    ->ArgsProduct({{0, 1, 2}, {1, 8}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
