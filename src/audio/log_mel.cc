#include "audio/log_mel.h"

#include <kiss_fftr.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "audio/audio_error.h"
#include "audio/mel_filterbank.h"
#include "kernels/thread_pool.h"

namespace tandem::audio {
namespace {

using P = WhisperMelParams;
constexpr int kBins = P::kNFft / 2 + 1;

struct FftrFree {
  void operator()(kiss_fftr_state* s) const { kiss_fftr_free(s); }
};
using FftrPtr = std::unique_ptr<kiss_fftr_state, FftrFree>;

// The filterbank with each filter's non-zero bins [first, last): a triangle spans a few
// of the 201 bins, so the mel sums skip ~98% of the multiplications (adding the skipped
// zero products would not change a sum).
struct SparseFilters {
  std::vector<float> weights;  // [n_mel][kBins]
  std::vector<std::pair<int, int>> range;
};

SparseFilters sparse_filters(int n_mel) {
  SparseFilters f{mel_filterbank(n_mel, P::kNFft, P::kSampleRate), {}};
  for (int m = 0; m < n_mel; ++m) {
    const float* row = f.weights.data() + static_cast<size_t>(m) * kBins;
    int first = 0, last = kBins;
    while (first < kBins && row[first] == 0.0f) ++first;
    while (last > first && row[last - 1] == 0.0f) --last;
    f.range.emplace_back(first, last);
  }
  return f;
}

// Frames [f0, f1) of the (not yet normalised) log10 mel matrix. kiss_fftr keeps scratch in
// its state, so each caller owns one.
void mel_frames(std::span<const float> padded, std::span<const float> hann,
                const SparseFilters& filters, int n_mel, int64_t n_frames, int64_t f0, int64_t f1,
                float* out) {
  FftrPtr fft(kiss_fftr_alloc(P::kNFft, 0, nullptr, nullptr));
  if (!fft) throw std::bad_alloc();
  float frame[P::kNFft];
  kiss_fft_cpx spec[kBins];
  float power[kBins];
  for (int64_t t = f0; t < f1; ++t) {
    const float* src = padded.data() + t * P::kHop;
    for (int j = 0; j < P::kNFft; ++j) frame[j] = hann[static_cast<size_t>(j)] * src[j];
    kiss_fftr(fft.get(), frame, spec);
    for (int k = 0; k < kBins; ++k) power[k] = spec[k].r * spec[k].r + spec[k].i * spec[k].i;
    for (int m = 0; m < n_mel; ++m) {
      // float products summed in double, like llama.cpp
      const float* fb = filters.weights.data() + static_cast<size_t>(m) * kBins;
      const auto [first, last] = filters.range[static_cast<size_t>(m)];
      double sum = 0.0;
      for (int k = first; k < last; ++k) sum += power[k] * fb[k];
      out[m * n_frames + t] = static_cast<float>(std::log10(std::max(sum, P::kMelFloor)));
    }
  }
}

}  // namespace

LogMel whisper_log_mel_full(std::span<const float> samples, int n_mel, kernels::ThreadPool* pool) {
  if (samples.empty()) throw AudioError("empty audio: no samples to compute features from");
  if (n_mel < 1 || n_mel > 256)
    throw std::invalid_argument("whisper_log_mel: n_mel must be in [1, 256], got " +
                                std::to_string(n_mel));
  const auto n = static_cast<int64_t>(samples.size());
  const int64_t n_padded = std::max(n, P::kMinSamples);
  constexpr int64_t kReflect = P::kNFft / 2;
  // Only the first n_padded samples of llama.cpp's padded buffer are ever read (header).
  std::vector<float> padded(static_cast<size_t>(n_padded), 0.0f);
  auto sample = [&](int64_t i) { return i < n ? samples[static_cast<size_t>(i)] : 0.0f; };
  for (int64_t i = 0; i < kReflect; ++i) padded[static_cast<size_t>(i)] = sample(kReflect - i);
  std::copy(samples.begin(), samples.begin() + std::min(n, n_padded - kReflect),
            padded.begin() + kReflect);

  LogMel mel;
  mel.n_mel = n_mel;
  mel.n_frames = (n_padded - P::kNFft) / P::kHop + 1;
  mel.data.resize(static_cast<size_t>(n_mel * mel.n_frames));
  const std::vector<float> hann = hann_window_periodic(P::kWindow);
  const SparseFilters filters = sparse_filters(n_mel);
  auto run = [&](int64_t f0, int64_t f1, int) {
    mel_frames(padded, hann, filters, n_mel, mel.n_frames, f0, f1, mel.data.data());
  };
  if (pool != nullptr && pool->size() > 1) {
    pool->parallel_for(mel.n_frames, run);
  } else {
    run(0, mel.n_frames, 0);
  }

  // Whisper's normalisation over the whole matrix; arithmetic in double as llama.cpp's.
  double top = -1e20;
  for (const float v : mel.data) top = std::max(top, static_cast<double>(v));
  const double lo = top - 8.0;
  const auto lo_f = static_cast<float>(lo);
  for (float& v : mel.data)
    v = static_cast<float>((static_cast<double>(v < lo ? lo_f : v) + 4.0) / 4.0);
  return mel;
}

std::vector<MelChunk> whisper_log_mel(std::span<const float> samples, int n_mel,
                                      kernels::ThreadPool* pool) {
  const LogMel full = whisper_log_mel_full(samples, n_mel, pool);
  std::vector<MelChunk> chunks;
  for (int64_t off = 0; off + P::kChunkFrames <= full.n_frames; off += P::kChunkFrames) {
    MelChunk c;
    c.n_mel = n_mel;
    c.data.reserve(static_cast<size_t>(n_mel) * P::kChunkFrames);
    for (int m = 0; m < n_mel; ++m) {
      const auto row = full.data.begin() + m * full.n_frames + off;
      c.data.insert(c.data.end(), row, row + P::kChunkFrames);
    }
    chunks.push_back(std::move(c));
  }
  return chunks;
}

}  // namespace tandem::audio
