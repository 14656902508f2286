// Audio in, embedding rows out: the audio half of an mmproj file (Whisper log-mel, tower,
// projector) and the family's prompt markers around the rows.
//
//   auto enc = AudioEncoder::open("mmproj.gguf");
//   AudioEmbedding e = enc.encode(decode_audio(bytes, "wav"), pool);
//   for (auto& c : e.chunks) { tokenize(c.text_before); feed(c.rows); tokenize(c.text_after); }
//
// Long audio is cut as llama.cpp's mtmd cuts it (log_mel.h): one encoder pass per whole
// 30 s of log-mel frames, each its own chunk of rows.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "audio/audio_projector.h"
#include "audio/embedding.h"
#include "audio/log_mel.h"
#include "audio/whisper_tower.h"
#include "kernels/thread_pool.h"
#include "mmproj/mmproj_file.h"

namespace tandem::audio {

class AudioEncoder {
 public:
  // Throws model::ModelFileError naming the file (no audio encoder, missing or misshapen
  // tensors).
  static AudioEncoder open(const std::string& path);
  explicit AudioEncoder(std::unique_ptr<mmproj::MmprojFile> file);

  const mmproj::MmprojFile& file() const { return *file_; }
  mmproj::ProjectorType projector_type() const { return projector_.type(); }
  int64_t n_embd_out() const { return projector_.n_embd_out(); }
  int n_mel() const { return tower_.n_mel(); }
  // Rows one 30 s chunk gives (ultravox at stack 8: 188; qwen2a: 750).
  int64_t rows_per_chunk() const;
  // The marker text mtmd puts before / after a clip's rows.
  const std::string& text_before() const { return before_; }
  const std::string& text_after() const { return after_; }

  // One log-mel chunk ([n_mel][3000]) through tower and projector: rows_per_chunk() rows.
  std::vector<float> encode_chunk(const MelChunk& mel, kernels::ThreadPool& pool) const;
  // 16 kHz mono samples: log-mel, every chunk encoded, markers added. Throws AudioError on
  // an empty clip.
  AudioEmbedding encode(std::span<const float> samples_16k, kernels::ThreadPool& pool) const;

  // Floating-point operations of one encode_chunk (2 per multiply-add).
  double flops_per_chunk() const;

 private:
  std::unique_ptr<mmproj::MmprojFile> file_;
  WhisperTower tower_;
  AudioProjector projector_;
  std::string before_, after_;
};

}  // namespace tandem::audio
