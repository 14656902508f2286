// Micro-benchmark of attend_block at TinyLlama's shapes (head_dim 64, 8 query heads per KV
// head, F16 cache): one decoded token (8 queries) and an 8-token verification (64 queries)
// after 512 positions of context, one thread.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/attention.h"
#include "kernels/quant/quant_formats.h"

namespace {

using tandem::kernels::KvHeadView;
using tandem::model::GgmlType;

void BM_Attention(benchmark::State& state) {
  const int64_t ctx = state.range(0), tokens = state.range(1), head_dim = 64, group = 8;
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const int64_t positions = ctx + tokens;
  std::vector<float> kf(static_cast<size_t>(positions * head_dim)), vf(kf.size());
  for (auto& v : kf) v = nd(rng);
  for (auto& v : vf) v = nd(rng);
  std::vector<uint8_t> k(kf.size() * 2), v(vf.size() * 2);
  tandem::kernels::quantize(GgmlType::F16, kf.data(), k.data(), static_cast<int64_t>(kf.size()));
  tandem::kernels::quantize(GgmlType::F16, vf.data(), v.data(), static_cast<int64_t>(vf.size()));
  const KvHeadView kv{GgmlType::F16, k.data(), v.data(), static_cast<size_t>(head_dim * 2)};
  const int64_t nq = tokens * group;
  std::vector<float> q(static_cast<size_t>(nq * head_dim)), o(q.size());
  for (auto& x : q) x = nd(rng);
  std::vector<const float*> qs;
  std::vector<float*> outs;
  std::vector<int32_t> lens;
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t h = 0; h < group; ++h) {
      qs.push_back(q.data() + (t * group + h) * head_dim);
      outs.push_back(o.data() + (t * group + h) * head_dim);
      lens.push_back(static_cast<int32_t>(ctx + t + 1));
    }
  for (auto _ : state) {
    tandem::kernels::attend_block(qs, outs, lens, kv, head_dim, 0.125f);
    benchmark::ClobberMemory();
  }
  // Two multiply-adds per (query, key, dimension): scores and the weighted value sum.
  state.counters["GFLOP/s"] = benchmark::Counter(
      4.0 * static_cast<double>(nq * ctx * head_dim) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_Attention)
    ->Args({512, 1})
    ->Args({512, 8})
    ->Args({128, 128})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
