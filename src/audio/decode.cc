#include "audio/decode.h"

#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "audio/audio_error.h"
#include "audio/resample.h"

namespace tandem::audio {
namespace {

// libsndfile's virtual I/O over a read-only buffer.
struct MemoryFile {
  std::span<const uint8_t> bytes;
  sf_count_t pos = 0;
};

sf_count_t mem_length(void* user) {
  return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size());
}

sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const auto size = static_cast<sf_count_t>(f->bytes.size());
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = f->pos;
  if (whence == SEEK_END) base = size;
  const sf_count_t target = base + offset;
  if (target < 0) return -1;
  f->pos = std::min(target, size);  // reads past the end return nothing, as on a file
  return f->pos;
}

sf_count_t mem_read(void* dst, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const auto size = static_cast<sf_count_t>(f->bytes.size());
  const sf_count_t n = std::clamp<sf_count_t>(size - f->pos, 0, std::max<sf_count_t>(count, 0));
  if (n > 0) std::memcpy(dst, f->bytes.data() + f->pos, static_cast<size_t>(n));
  f->pos += n;
  return n;
}

sf_count_t mem_write(const void*, sf_count_t, void*) {
  return 0;
}  // read-only

sf_count_t mem_tell(void* user) {
  return static_cast<MemoryFile*>(user)->pos;
}

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

constexpr std::array<std::string_view, 5> kKnownHints = {"wav", "mp3", "flac", "ogg", "opus"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string format_name(int format) {
  SF_FORMAT_INFO info{};
  info.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.name)
    return info.name;
  return "format 0x" + std::to_string(format);
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", s);
  return buf;
}

// libsndfile notes "data : DECLARED (should be ACTUAL)" in its log when a WAV/AIFF data
// chunk claims more bytes than the file has. Returns {declared, actual} for such a chunk;
// sizes 0 and 0xFFFFFFFF mean "unknown" (a WAV streamed to a pipe), not truncation.
std::optional<std::pair<uint64_t, uint64_t>> declared_data_bytes(SNDFILE* snd) {
  std::array<char, 8192> log{};
  sf_command(snd, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  std::string_view text(log.data());
  for (size_t at = 0; at < text.size();) {
    const size_t eol = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, eol - at);
    at = eol + 1;
    if (!line.starts_with("data") && !line.starts_with("SSND")) continue;
    unsigned long long declared = 0, actual = 0;
    const std::string copy(line);
    if (std::sscanf(copy.c_str(), "%*s : %llu (should be %llu)", &declared, &actual) == 2 &&
        declared > actual && declared != 0xFFFFFFFFull)
      return std::pair<uint64_t, uint64_t>{declared, actual};
  }
  return std::nullopt;
}

}  // namespace

std::vector<float> decode_audio(std::span<const uint8_t> bytes, std::string_view format_hint,
                                const DecodeLimits& limits) {
  const std::string hint = lower(format_hint);
  if (!hint.empty() && std::find(kKnownHints.begin(), kKnownHints.end(), hint) == kKnownHints.end())
    throw AudioError("unsupported audio format '" + std::string(format_hint) +
                     "' (supported: wav, mp3, flac, ogg, opus)");
  if (bytes.empty()) throw AudioError("empty audio data");
  if (bytes.size() > limits.max_bytes)
    throw AudioError("audio data too large: " + std::to_string(bytes.size()) + " bytes (limit " +
                     std::to_string(limits.max_bytes) + ")");

  MemoryFile file{bytes};
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  SF_INFO info{};
  SndfilePtr snd(sf_open_virtual(&io, SFM_READ, &info, &file));
  if (!snd)
    throw AudioError("unrecognised or corrupt audio data" +
                     (hint.empty() ? std::string() : " (declared " + hint + ")") + ": " +
                     sf_strerror(nullptr));
  if (info.channels < 1 || info.samplerate < 1 || info.samplerate > 768000)
    throw AudioError("corrupt audio header: " + std::to_string(info.channels) + " channels at " +
                     std::to_string(info.samplerate) + " Hz");
  const std::string kind = format_name(info.format);
  const double max_frames = limits.max_seconds * info.samplerate;
  // The header's length (an estimate for MP3) refuses a long clip before decoding it.
  if (info.frames > 0 && static_cast<double>(info.frames) > max_frames)
    throw AudioError(
        "audio too long: " + seconds_text(static_cast<double>(info.frames) / info.samplerate) +
        " s (limit " + seconds_text(limits.max_seconds) + " s)");

  // Read in blocks, mix to mono and resample as we go: the declared length is not trusted
  // for allocation, the limit holds on what actually decodes, and a long clip at a high
  // rate is only ever held at 16 kHz.
  const int ch = info.channels;
  constexpr sf_count_t kBlockFrames = 4096;
  std::vector<float> block(static_cast<size_t>(kBlockFrames * ch));
  std::vector<float> mono(static_cast<size_t>(kBlockFrames));
  Resampler resampler(info.samplerate, kWhisperSampleRate);
  std::vector<float> out;
  out.reserve(static_cast<size_t>(
      std::min(static_cast<double>(std::max<sf_count_t>(info.frames, 0)), max_frames) *
      kWhisperSampleRate / info.samplerate));
  sf_count_t decoded = 0;
  while (true) {
    const sf_count_t got = sf_readf_float(snd.get(), block.data(), kBlockFrames);
    if (got <= 0) break;
    decoded += got;
    if (static_cast<double>(decoded) > max_frames)
      throw AudioError("audio too long: over the " + seconds_text(limits.max_seconds) + " s limit");
    for (sf_count_t i = 0; i < got; ++i) {
      float sum = 0.0f;
      for (int c = 0; c < ch; ++c) sum += block[static_cast<size_t>(i * ch + c)];
      const float v = sum / static_cast<float>(ch);
      if (!std::isfinite(v)) throw AudioError("audio contains non-finite samples (" + kind + ")");
      mono[static_cast<size_t>(i)] = v;
    }
    resampler.process(std::span(mono).first(static_cast<size_t>(got)), false, out);
  }
  if (const int e = sf_error(snd.get()); e != SF_ERR_NO_ERROR)
    throw AudioError((info.frames > decoded ? "truncated or corrupt " : "corrupt ") + kind +
                     " audio: " + sf_error_number(e));
  // A cut-off upload. libsndfile trims a WAV/AIFF frame count to the bytes present, noting
  // the declared size in its log; other formats report the declared count and read fewer.
  // MPEG counts are exact with a Xing/LAME tag and estimated from the bitrate without, so
  // they get a frame (1152) and 1% of slack.
  if (const auto declared = declared_data_bytes(snd.get()); declared)
    throw AudioError("truncated " + kind + " audio: header declares " +
                     std::to_string(declared->first) + " data bytes, file holds " +
                     std::to_string(declared->second));
  const bool mpeg = (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
  const double slack = mpeg ? 1152.0 + 0.01 * static_cast<double>(info.frames) : 0.0;
  if (info.frames > 0 && static_cast<double>(decoded) + slack < static_cast<double>(info.frames))
    throw AudioError("truncated " + kind + " audio: header declares " +
                     std::to_string(info.frames) + " frames, data holds " +
                     std::to_string(decoded));
  if (decoded == 0) throw AudioError("audio contains no samples (" + kind + ")");
  resampler.process({}, true, out);
  return out;
}

}  // namespace tandem::audio
