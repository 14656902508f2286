#include "audio/mel_filterbank.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace tandem::audio {
namespace {

constexpr double kMinLogHz = 1000.0;
constexpr double kLinSlope = 3.0 / 200.0;  // mels per Hz below 1 kHz
constexpr double kMinLogMel = kMinLogHz * kLinSlope;
const double kLogStep = std::log(6.4) / 27.0;

}  // namespace

double hz_to_mel_slaney(double hz) {
  return hz < kMinLogHz ? hz * kLinSlope : kMinLogMel + std::log(hz / kMinLogHz) / kLogStep;
}

double mel_to_hz_slaney(double mel) {
  return mel < kMinLogMel ? mel / kLinSlope : kMinLogHz * std::exp((mel - kMinLogMel) * kLogStep);
}

std::vector<float> mel_filterbank(int n_mel, int n_fft, int sample_rate) {
  if (n_mel < 1 || n_fft < 2 || sample_rate < 1)
    throw std::invalid_argument("mel_filterbank: needs n_mel >= 1, n_fft >= 2, sample_rate >= 1");
  const int n_bins = n_fft / 2 + 1;
  const double mel_hi = hz_to_mel_slaney(0.5 * sample_rate);
  std::vector<double> edge_hz(static_cast<size_t>(n_mel) + 2);
  for (int i = 0; i < n_mel + 2; ++i)
    edge_hz[static_cast<size_t>(i)] = mel_to_hz_slaney(mel_hi * i / (n_mel + 1));

  const double bin_hz = static_cast<double>(sample_rate) / n_fft;
  std::vector<float> out(static_cast<size_t>(n_mel) * n_bins, 0.0f);
  for (int m = 0; m < n_mel; ++m) {
    const double lo = edge_hz[static_cast<size_t>(m)];
    const double mid = edge_hz[static_cast<size_t>(m) + 1];
    const double hi = edge_hz[static_cast<size_t>(m) + 2];
    const double norm = 2.0 / (hi - lo);
    for (int k = 0; k < n_bins; ++k) {
      const double f = k * bin_hz;
      // librosa's form: the smaller of the rising and falling ramps, clipped at zero.
      const double w = std::max(0.0, std::min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      out[static_cast<size_t>(m) * n_bins + k] = static_cast<float>(w * norm);
    }
  }
  return out;
}

std::vector<float> hann_window_periodic(int n) {
  std::vector<float> w(static_cast<size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i)
    w[static_cast<size_t>(i)] =
        static_cast<float>(0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * i / n)));
  return w;
}

}  // namespace tandem::audio
