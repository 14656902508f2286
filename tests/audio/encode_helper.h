// Test fixtures: encodes float samples into an audio file in memory with libsndfile, so the
// decode tests need no committed binaries.
#pragma once

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tandem::audio::testing {

struct GrowingFile {
  std::vector<uint8_t> bytes;
  sf_count_t pos = 0;
};

inline sf_count_t gf_length(void* u) {
  return static_cast<sf_count_t>(static_cast<GrowingFile*>(u)->bytes.size());
}
inline sf_count_t gf_seek(sf_count_t off, int whence, void* u) {
  auto* f = static_cast<GrowingFile*>(u);
  sf_count_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? gf_length(u) : 0;
  f->pos = std::max<sf_count_t>(0, base + off);
  return f->pos;
}
inline sf_count_t gf_read(void* dst, sf_count_t n, void* u) {
  auto* f = static_cast<GrowingFile*>(u);
  const sf_count_t k = std::clamp<sf_count_t>(gf_length(u) - f->pos, 0, n);
  if (k > 0) std::memcpy(dst, f->bytes.data() + f->pos, static_cast<size_t>(k));
  f->pos += k;
  return k;
}
inline sf_count_t gf_write(const void* src, sf_count_t n, void* u) {
  auto* f = static_cast<GrowingFile*>(u);
  const auto end = static_cast<size_t>(f->pos + n);
  if (end > f->bytes.size()) f->bytes.resize(end);
  std::memcpy(f->bytes.data() + f->pos, src, static_cast<size_t>(n));
  f->pos += n;
  return n;
}
inline sf_count_t gf_tell(void* u) {
  return static_cast<GrowingFile*>(u)->pos;
}

// Interleaved samples (frames * channels) encoded as `format` (SF_FORMAT_* major | minor).
inline std::vector<uint8_t> encode(std::span<const float> interleaved, int channels, int rate,
                                   int format) {
  GrowingFile file;
  SF_VIRTUAL_IO io{gf_length, gf_seek, gf_read, gf_write, gf_tell};
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* snd = sf_open_virtual(&io, SFM_WRITE, &info, &file);
  if (!snd) throw std::runtime_error(std::string("encode: ") + sf_strerror(nullptr));
  const sf_count_t frames = static_cast<sf_count_t>(interleaved.size()) / channels;
  const sf_count_t wrote = sf_writef_float(snd, interleaved.data(), frames);
  sf_close(snd);
  if (wrote != frames) throw std::runtime_error("encode: short write");
  return std::move(file.bytes);
}

inline std::vector<uint8_t> encode_wav16(std::span<const float> interleaved, int channels,
                                         int rate) {
  return encode(interleaved, channels, rate, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}

// A tone of `hz` at amplitude `amp`, `seconds` long.
inline std::vector<float> tone(double hz, double seconds, int rate, double amp = 0.5) {
  std::vector<float> s(static_cast<size_t>(std::lround(seconds * rate)));
  for (size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<float>(amp * std::sin(2.0 * std::numbers::pi * hz * i / rate));
  return s;
}

}  // namespace tandem::audio::testing
