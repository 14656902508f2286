#include "audio/audio_encoder.h"

#include <stdexcept>
#include <string>

namespace tandem::audio {
namespace {

constexpr int64_t kChunkFrames = WhisperMelParams::kChunkFrames;

mmproj::ProjectorType audio_type(const mmproj::MmprojFile& f) {
  return f.projector(mmproj::Modality::Audio);  // throws when the file has no audio encoder
}

}  // namespace

AudioEncoder AudioEncoder::open(const std::string& path) {
  return AudioEncoder(std::make_unique<mmproj::MmprojFile>(mmproj::MmprojFile::open(path)));
}

AudioEncoder::AudioEncoder(std::unique_ptr<mmproj::MmprojFile> file)
    : file_(std::move(file)),
      tower_(*file_, audio_type(*file_)),
      projector_(*file_, audio_type(*file_)) {
  if (WhisperTower::positions_for(kChunkFrames) > tower_.max_positions())
    throw file_->error("a.position_embd.weight holds " + std::to_string(tower_.max_positions()) +
                       " positions; a 30 s chunk needs " +
                       std::to_string(WhisperTower::positions_for(kChunkFrames)));
  // mtmd.cpp's init_audio: qwen2a wraps the clip; ultravox leaves it to the chat template.
  if (projector_type() == mmproj::ProjectorType::Qwen2a) {
    before_ = "<|audio_bos|>";
    after_ = "<|audio_eos|>";
  }
}

int64_t AudioEncoder::rows_per_chunk() const {
  return projector_.rows_for(tower_.rows_for(kChunkFrames));
}

std::vector<float> AudioEncoder::encode_chunk(const MelChunk& mel,
                                              kernels::ThreadPool& pool) const {
  if (mel.n_mel != n_mel() || mel.data.size() != static_cast<size_t>(n_mel()) * kChunkFrames)
    throw std::invalid_argument("encode_chunk: a chunk of " + std::to_string(mel.data.size()) +
                                " values with " + std::to_string(mel.n_mel) +
                                " mel bins; the encoder takes " + std::to_string(n_mel()) + " x " +
                                std::to_string(kChunkFrames));
  const std::vector<float> x = tower_.forward(mel.data, kChunkFrames, pool);
  return projector_.forward(x, tower_.rows_for(kChunkFrames), pool);
}

AudioEmbedding AudioEncoder::encode(std::span<const float> samples_16k,
                                    kernels::ThreadPool& pool) const {
  const std::vector<MelChunk> mel = whisper_log_mel(samples_16k, n_mel(), &pool);
  AudioEmbedding out;
  for (const MelChunk& m : mel) {
    AudioChunk c;
    c.rows = encode_chunk(m, pool);
    c.n_rows = rows_per_chunk();
    c.n_embd = n_embd_out();
    out.chunks.push_back(std::move(c));
  }
  if (!out.chunks.empty()) {
    out.chunks.front().text_before = before_;
    out.chunks.back().text_after = after_;
  }
  return out;
}

double AudioEncoder::flops_per_chunk() const {
  return tower_.flops(kChunkFrames) + projector_.flops(tower_.rows_for(kChunkFrames));
}

}  // namespace tandem::audio
