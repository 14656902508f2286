#include "audio/resample.h"

#include <samplerate.h>

#include <array>
#include <string>

#include "audio/audio_error.h"

namespace tandem::audio {
namespace {

constexpr int kMaxRate = 768000;

}  // namespace

void Resampler::Free::operator()(SRC_STATE_tag* s) const {
  src_delete(s);
}

Resampler::Resampler(int from_rate, int to_rate) {
  if (from_rate < 1 || from_rate > kMaxRate || to_rate < 1 || to_rate > kMaxRate)
    throw AudioError("audio sample rate out of range: " + std::to_string(from_rate) + " Hz -> " +
                     std::to_string(to_rate) + " Hz");
  if (from_rate == to_rate) return;
  ratio_ = static_cast<double>(to_rate) / from_rate;
  int err = 0;
  state_.reset(src_new(SRC_SINC_MEDIUM_QUALITY, 1, &err));
  if (!state_) throw AudioError(std::string("resampler: ") + src_strerror(err));
}

Resampler::~Resampler() = default;

void Resampler::process(std::span<const float> in, bool last, std::vector<float>& out) {
  if (!state_) {
    out.insert(out.end(), in.begin(), in.end());
    return;
  }
  static const float kNothing = 0.0f;  // libsamplerate wants a pointer even for no input
  std::array<float, 4096> buf;
  size_t used = 0;
  while (true) {
    SRC_DATA d{};
    d.data_in = in.empty() ? &kNothing : in.data() + used;
    // libsamplerate counts in long; blocks above LONG_MAX never reach it (4096 frames).
    d.input_frames = static_cast<long>(in.size() - used);
    d.data_out = buf.data();
    d.output_frames = static_cast<long>(buf.size());
    d.end_of_input = last ? 1 : 0;
    d.src_ratio = ratio_;
    if (const int e = src_process(state_.get(), &d); e != 0)
      throw AudioError(std::string("resampler: ") + src_strerror(e));
    used += static_cast<size_t>(d.input_frames_used);
    out.insert(out.end(), buf.begin(), buf.begin() + d.output_frames_gen);
    // Mid-stream, output still inside the filter comes with the next block; at the end,
    // call until the converter has nothing left.
    if (used == in.size() && (!last || d.output_frames_gen == 0)) break;
  }
}

std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate) {
  Resampler r(from_rate, to_rate);
  std::vector<float> out;
  out.reserve(static_cast<size_t>(static_cast<double>(samples.size()) * to_rate / from_rate) + 1);
  r.process(samples, true, out);
  return out;
}

}  // namespace tandem::audio
