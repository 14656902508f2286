// Image encode time of a SigLIP-400M tower at 384 px (27 x 27 = 729 patches, 27 layers,
// n_embd 1152, ff 4304) with a gemma3-style projector (pool 3 -> 81 rows of 2560), for F16
// and Q8_0 matrices: one encoder input through patch embedding, the 27 layers and the
// projector. Counters: GFLOP per image and achieved GFLOP/s (2 FLOPs per multiply-add).
// The random-weight files are written once to $TANDEM_BENCH_DIR (default /tmp).
//   TANDEM_BENCH_THREADS=2 ./build/tandem_microbench --benchmark_filter=VisionEncode
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "bench_pool.h"
#include "convert/synth_mmproj.h"
#include "vision/image_ops.h"
#include "vision/vision_encoder.h"

namespace {

const tandem::vision::VisionEncoder& encoder(const std::string& type) {
  static std::map<std::string, std::unique_ptr<tandem::vision::VisionEncoder>> cache;
  auto& e = cache[type];
  if (!e) {
    const char* dir = std::getenv("TANDEM_BENCH_DIR");
    const auto path = std::filesystem::path(dir ? dir : "/tmp") /
                      ("tandem-bench-siglip400m-384-" + type + ".gguf");
    if (!std::filesystem::exists(path)) {
      tandem::convert::MmprojSynthOptions o;
      o.projector = "gemma3";
      o.shape = tandem::convert::vision_preset("siglip-400m-384");
      o.n_embd_text = 2560;
      o.type = type;
      tandem::convert::synth_mmproj(o, path.string());
    }
    e = std::make_unique<tandem::vision::VisionEncoder>(
        tandem::vision::VisionEncoder::open(path.string()));
  }
  return *e;
}

void BM_VisionEncode(benchmark::State& state, const std::string& type) {
  const auto& enc = encoder(type);
  const int64_t side = enc.file().vision().image_size;
  tandem::vision::RgbImage tile;
  tile.width = tile.height = static_cast<int>(side);
  tile.pixels.resize(static_cast<size_t>(side * side * 3));
  for (size_t i = 0; i < tile.pixels.size(); ++i) tile.pixels[i] = static_cast<uint8_t>(i * 7);
  auto& pool = tandem::bench::pool();
  for (auto _ : state) benchmark::DoNotOptimize(enc.encode_tile(tile, pool));
  const double flops = enc.flops_per_tile();
  state.counters["GFLOP"] = flops / 1e9;
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = pool.size();
}

BENCHMARK_CAPTURE(BM_VisionEncode, F16, std::string("F16"))
    ->Unit(benchmark::kSecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_VisionEncode, Q8_0, std::string("Q8_0"))
    ->Unit(benchmark::kSecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace
