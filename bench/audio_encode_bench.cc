// Audio encode time of a Whisper-large encoder (128 mel bins, 1500 positions, 32 layers,
// n_embd 1280, ff 5120, 20 heads) with an ultravox projector (stack 8 -> 188 rows, SwiGLU
// 10240 -> 4096 -> 2048, out 2048: Ultravox v0.5 on Llama-3.2-1B), for F16 and Q8_0
// matrices: one 30 s log-mel chunk through the conv stem, the 32 layers and the projector
// (the log-mel itself is not timed: see audio_reference_logmel). Counters: GFLOP per chunk
// and achieved GFLOP/s (2 FLOPs per multiply-add). The random-weight files are written once
// to $TANDEM_BENCH_DIR (default /tmp; 1.3 GB for F16).
//   TANDEM_BENCH_THREADS=2 ./build/tandem_microbench --benchmark_filter=AudioEncode
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "audio/audio_encoder.h"
#include "audio/log_mel.h"
#include "bench_pool.h"
#include "convert/synth_mmproj.h"

namespace {

const tandem::audio::AudioEncoder& encoder(const std::string& type) {
  static std::map<std::string, std::unique_ptr<tandem::audio::AudioEncoder>> cache;
  auto& e = cache[type];
  if (!e) {
    const char* dir = std::getenv("TANDEM_BENCH_DIR");
    const auto path = std::filesystem::path(dir ? dir : "/tmp") /
                      ("tandem-bench-whisper-large-ultravox-" + type + ".gguf");
    if (!std::filesystem::exists(path)) {
      tandem::convert::MmprojSynthOptions o;
      o.projector = "ultravox";
      o.audio = tandem::convert::audio_preset("whisper-large");
      o.n_embd_text = 2048;
      o.type = type;
      tandem::convert::synth_mmproj(o, path.string());
    }
    e = std::make_unique<tandem::audio::AudioEncoder>(
        tandem::audio::AudioEncoder::open(path.string()));
  }
  return *e;
}

void BM_AudioEncode(benchmark::State& state, const std::string& type) {
  const auto& enc = encoder(type);
  auto& pool = tandem::bench::pool();
  // 30 s of a tone with a slow vibrato: one whole chunk of real features.
  std::vector<float> samples(30 * 16000);
  for (size_t i = 0; i < samples.size(); ++i) {
    const double t = static_cast<double>(i) / 16000;
    samples[i] = static_cast<float>(0.3 * std::sin(2 * 3.14159265 * (300 + 40 * std::sin(t)) * t));
  }
  const auto mel = tandem::audio::whisper_log_mel(samples, enc.n_mel(), &pool);
  for (auto _ : state) benchmark::DoNotOptimize(enc.encode_chunk(mel.at(0), pool));
  const double flops = enc.flops_per_chunk();
  state.counters["GFLOP"] = flops / 1e9;
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rows"] = static_cast<double>(enc.rows_per_chunk());
  state.counters["threads"] = pool.size();
}

BENCHMARK_CAPTURE(BM_AudioEncode, F16, std::string("F16"))
    ->Unit(benchmark::kSecond)
    ->Iterations(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_AudioEncode, Q8_0, std::string("Q8_0"))
    ->Unit(benchmark::kSecond)
    ->Iterations(2)
    ->UseRealTime();

}  // namespace
