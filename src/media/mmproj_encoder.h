// The MediaEncoder of an mmproj file (llama.cpp's layout): its vision half through
// vision::VisionEncoder, its audio half through audio::AudioEncoder (a file may hold
// either or both). Encodes one input at a time on its own thread pool (the
// language model's scheduler keeps its own), so concurrent requests queue here instead of
// oversubscribing the cores.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "audio/audio_encoder.h"
#include "audio/decode.h"
#include "kernels/thread_pool.h"
#include "media/media_encoder.h"
#include "vision/image.h"
#include "vision/vision_encoder.h"

namespace tandem::media {

struct MmprojEncoderOptions {
  int threads = 2;
  vision::DecodeLimits image;  // --image-max-pixels
  audio::DecodeLimits audio;   // longest clip, largest file
};

class MmprojEncoder : public MediaEncoder {
 public:
  // Throws model::ModelFileError naming the file; std::invalid_argument when its rows (of
  // either modality) do not match the language model's embedding width `lm_n_embd` (> 0 to
  // check).
  MmprojEncoder(const std::string& path, MmprojEncoderOptions opts, int64_t lm_n_embd = 0);

  bool supports(Modality m) const override {
    return m == Modality::kImage ? vision_.has_value() : audio_.has_value();
  }
  int64_t n_embd() const override;
  std::vector<EmbeddedChunk> encode(const MediaInput& in) const override;
  // "image" / "audio" / "image, audio": what /v1/models advertises.
  std::vector<std::string> modalities() const;

 private:
  MmprojEncoderOptions opts_;
  std::vector<EmbeddedChunk> encode_image(const MediaInput& in) const;
  std::vector<EmbeddedChunk> encode_audio(const MediaInput& in) const;

  std::optional<vision::VisionEncoder> vision_;
  std::optional<audio::AudioEncoder> audio_;
  mutable std::mutex mu_;  // one encode at a time on pool_
  mutable kernels::ThreadPool pool_;
};

}  // namespace tandem::media
