#include "audio/resample.h"

#include <samplerate.h>

#include <cmath>
#include <memory>
#include <string>

#include "audio/audio_error.h"

namespace tandem::audio {
namespace {

struct SrcDeleter {
  void operator()(SRC_STATE* s) const { src_delete(s); }
};
using SrcPtr = std::unique_ptr<SRC_STATE, SrcDeleter>;

constexpr int kMaxRate = 768000;

}  // namespace

std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate) {
  if (from_rate < 1 || from_rate > kMaxRate || to_rate < 1 || to_rate > kMaxRate)
    throw AudioError("audio sample rate out of range: " + std::to_string(from_rate) + " Hz -> " +
                     std::to_string(to_rate) + " Hz");
  if (from_rate == to_rate || samples.empty()) return {samples.begin(), samples.end()};

  int err = 0;
  SrcPtr state(src_new(SRC_SINC_MEDIUM_QUALITY, 1, &err));
  if (!state) throw AudioError(std::string("resampler: ") + src_strerror(err));

  const double ratio = static_cast<double>(to_rate) / from_rate;
  // A little headroom: libsamplerate may emit one sample past n * ratio.
  std::vector<float> out(static_cast<size_t>(std::ceil(samples.size() * ratio)) + 16);
  size_t in_done = 0, out_done = 0;
  // libsamplerate counts in long; feed large inputs in pieces so any length fits.
  constexpr size_t kPiece = size_t{1} << 20;
  while (true) {
    const size_t in_left = samples.size() - in_done;
    const bool last = in_left <= kPiece;
    SRC_DATA d{};
    d.data_in = samples.data() + in_done;
    d.input_frames = static_cast<long>(last ? in_left : kPiece);
    d.data_out = out.data() + out_done;
    d.output_frames = static_cast<long>(out.size() - out_done);
    d.end_of_input = last ? 1 : 0;
    d.src_ratio = ratio;
    if (const int e = src_process(state.get(), &d); e != 0)
      throw AudioError(std::string("resampler: ") + src_strerror(e));
    in_done += static_cast<size_t>(d.input_frames_used);
    out_done += static_cast<size_t>(d.output_frames_gen);
    // At the end of input, drain until the converter has nothing more to give.
    if (last && in_done == samples.size() && d.output_frames_gen == 0) break;
    if (out_done == out.size()) break;  // the headroom is spent: the expected length is reached
  }
  out.resize(out_done);
  return out;
}

}  // namespace tandem::audio
