// The MediaEncoder of an mmproj file (llama.cpp's layout): its vision half through
// vision::VisionEncoder. Encodes one input at a time on its own thread pool (the
// language model's scheduler keeps its own), so concurrent requests queue here instead of
// oversubscribing the cores.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kernels/thread_pool.h"
#include "media/media_encoder.h"
#include "vision/image.h"
#include "vision/vision_encoder.h"

namespace tandem::media {

struct MmprojEncoderOptions {
  int threads = 2;
  vision::DecodeLimits image;  // --image-max-pixels
};

class MmprojEncoder : public MediaEncoder {
 public:
  // Throws model::ModelFileError naming the file; std::invalid_argument when its rows do not
  // match the language model's embedding width `lm_n_embd` (> 0 to check).
  MmprojEncoder(const std::string& path, MmprojEncoderOptions opts, int64_t lm_n_embd = 0);

  bool supports(Modality m) const override { return m == Modality::kImage && vision_; }
  int64_t n_embd() const override;
  std::vector<EmbeddedChunk> encode(const MediaInput& in) const override;
  // "image" / "image, audio": what /v1/models advertises.
  std::vector<std::string> modalities() const;

 private:
  MmprojEncoderOptions opts_;
  std::optional<vision::VisionEncoder> vision_;
  mutable std::mutex mu_;  // one encode at a time on pool_
  mutable kernels::ThreadPool pool_;
};

}  // namespace tandem::media
