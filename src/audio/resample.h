// Sample-rate conversion of mono float audio (libsamplerate, band-limited sinc).
#pragma once

#include <memory>
#include <span>
#include <vector>

struct SRC_STATE_tag;

namespace tandem::audio {

// A streaming converter from `from_rate` Hz to `to_rate` Hz with SRC_SINC_MEDIUM_QUALITY
// (97 dB SNR, 90% of the band kept). Fed block by block, so a long upload is held only at
// the output rate. Over a whole stream the output has n * to_rate / from_rate samples,
// give or take one; equal rates pass samples through. Throws AudioError on a rate out of
// [1, 768000] or a libsamplerate failure.
class Resampler {
 public:
  Resampler(int from_rate, int to_rate);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Converts `in` and appends the result to `out`; `last` marks the end of the stream and
  // drains the filter.
  void process(std::span<const float> in, bool last, std::vector<float>& out);

 private:
  struct Free {
    void operator()(SRC_STATE_tag* s) const;
  };
  std::unique_ptr<SRC_STATE_tag, Free> state_;  // null: equal rates
  double ratio_ = 1.0;
};

// The whole of `samples` through a Resampler.
std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate);

}  // namespace tandem::audio
