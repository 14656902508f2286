// Decoding an uploaded audio file (bytes in memory) to 16 kHz mono float samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tandem::audio {

inline constexpr int kWhisperSampleRate = 16000;

struct DecodeLimits {
  double max_seconds = 600.0;           // longest clip accepted, in seconds of audio
  size_t max_bytes = size_t{64} << 20;  // largest encoded file accepted
};

// Decodes WAV, MP3, FLAC, OGG/Vorbis/Opus (whatever libsndfile reads, recognised from the
// bytes themselves), mixes the channels to mono (their mean) and resamples to
// kWhisperSampleRate with libsamplerate (SRC_SINC_MEDIUM_QUALITY).
// `format_hint` is the declared format ("wav", "mp3", "flac", "ogg", "opus" or empty for
// none); a hint outside that list is refused as unsupported, and a known hint that
// disagrees with the bytes is not an error (the bytes decide, as with ffmpeg).
// Every failure (empty, too large, unrecognised or corrupt data, truncated file, longer
// than max_seconds, no samples, non-finite samples) throws AudioError naming the problem.
std::vector<float> decode_audio(std::span<const uint8_t> bytes, std::string_view format_hint,
                                const DecodeLimits& limits = {});

}  // namespace tandem::audio
