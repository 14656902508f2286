// The Slaney-style mel filterbank and periodic Hann window of the Whisper front end, built at
// run time (mmproj files do not store them), as librosa.filters.mel computes them.
#pragma once

#include <vector>

namespace tandem::audio {

// Hz <-> mel on the Slaney scale (librosa's default, htk=False): linear below 1 kHz
// (3 mels per 200 Hz), logarithmic above (27 mels per factor 6.4).
double hz_to_mel_slaney(double hz);
double mel_to_hz_slaney(double mel);

// n_mel triangular filters over the n_fft/2 + 1 bins of an n_fft-point real FFT at
// sample_rate, row-major [n_mel][n_fft/2 + 1]: band edges equally spaced in mel from 0 Hz
// to sample_rate/2, bin k at k * sample_rate / n_fft Hz, each triangle scaled by
// 2 / (f_right - f_left) (Slaney area normalisation). Computed in double, stored as float,
// so it equals librosa.filters.mel(sr, n_fft, n_mels) (fmin 0, fmax sr/2, norm="slaney").
// Throws std::invalid_argument on n_mel < 1, n_fft < 2 or sample_rate < 1.
std::vector<float> mel_filterbank(int n_mel, int n_fft, int sample_rate);

// Periodic Hann window of n points: 0.5 * (1 - cos(2 pi i / n)).
std::vector<float> hann_window_periodic(int n);

}  // namespace tandem::audio
