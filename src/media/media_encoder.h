// What the language model sees of an image or audio clip: runs of embedding rows with the
// marker text the model family puts around them. The servers and the CLI talk to encoders
// through this seam only; src/vision and src/audio implement it for mmproj files.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tandem::media {

enum class Modality { kImage, kAudio };
const char* modality_name(Modality m);

struct MediaInput {
  Modality kind = Modality::kImage;
  std::vector<uint8_t> bytes;  // the file as sent (PNG, JPEG, WAV, MP3, ...)
  std::string format;          // a hint: "png", "wav", "mp3" ... (may be empty for images)
};

// One run of rows and the literal text before and after it (tokenized with special tokens:
// `<start_of_image>`, `<|audio_bos|>` ...). An image may give several (idefics3 tiles).
struct EmbeddedChunk {
  std::string text_before;
  int64_t n_rows = 0;
  int64_t n_embd = 0;
  std::shared_ptr<const std::vector<float>> rows;  // n_rows * n_embd floats
  std::string text_after;
};

// The input itself is unusable (corrupt, truncated, unsupported format, too large): the
// client's error, a 400 naming the content part.
class MediaInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MediaEncoder {
 public:
  virtual ~MediaEncoder() = default;
  virtual bool supports(Modality m) const = 0;
  // The language model's embedding width the rows are projected to.
  virtual int64_t n_embd() const = 0;
  // Throws MediaInputError for bad input; std::invalid_argument when the modality is not
  // supported (check supports() first).
  virtual std::vector<EmbeddedChunk> encode(const MediaInput& in) const = 0;
};

}  // namespace tandem::media
