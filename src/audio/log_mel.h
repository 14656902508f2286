// Whisper's log-mel spectrogram, computed as llama.cpp's mtmd front end computes it
// (tools/mtmd/mtmd-audio.cpp, mtmd_audio_preprocessor_whisper; read at llama.cpp commit
// 0024aa7), so an mmproj encoder sees the features it was converted for.
//
// Parameters: 16 kHz input, n_fft 400 (201 bins), periodic Hann window of 400, hop 160,
// Slaney mel filterbank (mel_filterbank.h), power spectrum |X|^2, mel energies floored at
// kMelFloor, log10, then Whisper's normalisation over the whole clip: x = max(x, max - 8),
// x = (x + 4) / 4.
//
// Framing, exactly as llama.cpp does it:
//  1. A clip shorter than 31 s (496000 samples) is zero-padded to 31 s.
//  2. Frame t reads padded samples [160 t - 200, 160 t + 200), the indices before the
//     start reflected (numpy "reflect": sample -m is sample m), so frames are centred on
//     160 t. There are (N - 400) / 160 + 1 frames for N samples after step 1: llama.cpp
//     also appends 30 s of zeros but counts frames on the unpadded length, so the zeros
//     are never read.
//  3. The maximum of the normalisation is taken over all those frames, then the matrix is
//     cut into 3000-frame chunks (30 s each, one encoder pass of 1500 positions) and a
//     trailing partial chunk is dropped.
// So a clip shorter than 30 s gives exactly ONE chunk: its features followed by silence
// (silence frames are log10(kMelFloor) before normalisation, usually clamped to max - 8).
// A clip of L >= 31 s gives floor(((16000 L - 400) / 160 + 1) / 3000) chunks: the audio
// past the last whole chunk (up to ~30 s of it) is dropped, as in llama.cpp; e.g. 45 s
// gives one chunk, 61 s two.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tandem::kernels {
class ThreadPool;
}

namespace tandem::audio {

struct WhisperMelParams {
  static constexpr int kSampleRate = 16000;
  static constexpr int kNFft = 400;
  static constexpr int kWindow = 400;
  static constexpr int kHop = 160;
  static constexpr int kChunkFrames = 3000;                          // 30 s
  static constexpr int64_t kMinSamples = int64_t{kSampleRate} * 31;  // llama.cpp's 30 s + 1
  static constexpr double kMelFloor = 5.960464477539063e-08;         // 2^-24
};

// The normalised log-mel matrix of a whole clip, row-major [n_mel][n_frames].
struct LogMel {
  int n_mel = 0;
  int64_t n_frames = 0;
  std::vector<float> data;
  float at(int mel, int64_t frame) const {
    return data[static_cast<size_t>(mel * n_frames + frame)];
  }
};

// One encoder input: [n_mel][kChunkFrames] row-major, i.e. ggml ne = [3000, n_mel].
struct MelChunk {
  int n_mel = 0;
  std::vector<float> data;
};

// The whole normalised matrix, before chunking (see above). `pool` runs the frames in
// parallel (null: inline). Throws AudioError on empty input, std::invalid_argument on
// n_mel outside [1, 256].
LogMel whisper_log_mel_full(std::span<const float> samples_16k, int n_mel,
                            kernels::ThreadPool* pool = nullptr);

// The encoder's inputs: whisper_log_mel_full cut into 3000-frame chunks, a trailing partial
// chunk dropped (at least one chunk for any non-empty clip).
std::vector<MelChunk> whisper_log_mel(std::span<const float> samples_16k, int n_mel,
                                      kernels::ThreadPool* pool = nullptr);

}  // namespace tandem::audio
