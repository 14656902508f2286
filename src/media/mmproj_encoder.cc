#include "media/mmproj_encoder.h"

#include <stdexcept>

#include "audio/audio_error.h"
#include "mmproj/embedding.h"
#include "mmproj/mmproj_file.h"

namespace tandem::media {
namespace {

void check_width(const std::string& path, const char* what, int64_t rows_of, int64_t lm_n_embd) {
  if (lm_n_embd > 0 && rows_of != lm_n_embd)
    throw std::invalid_argument(path + ": the " + what + " projector gives rows of " +
                                std::to_string(rows_of) + " floats, the language model embeds " +
                                std::to_string(lm_n_embd) + ": they are not a pair");
}

// The encoder's chunks with their rows moved behind shared pointers (prompts share them).
std::vector<EmbeddedChunk> shared_chunks(mmproj::Embedding e) {
  std::vector<EmbeddedChunk> out;
  out.reserve(e.chunks.size());
  for (auto& c : e.chunks)
    out.push_back({std::move(c.text_before), c.n_rows, c.n_embd,
                   std::make_shared<const std::vector<float>>(std::move(c.rows)),
                   std::move(c.text_after)});
  return out;
}

}  // namespace

MmprojEncoder::MmprojEncoder(const std::string& path, MmprojEncoderOptions opts, int64_t lm_n_embd)
    : opts_(opts), pool_(std::max(1, opts.threads)) {
  auto file = std::make_unique<mmproj::MmprojFile>(mmproj::MmprojFile::open(path));
  // Each encoder owns its view of the file; a file with both maps it twice (read-only pages,
  // shared by the kernel), which keeps the encoders independent of each other.
  if (file->has_vision() && file->has_audio())
    audio_.emplace(std::make_unique<mmproj::MmprojFile>(mmproj::MmprojFile::open(path)));
  else if (file->has_audio())
    audio_.emplace(std::move(file));
  if (file && file->has_vision()) vision_.emplace(std::move(file));
  if (vision_) check_width(path, "image", vision_->n_embd_out(), lm_n_embd);
  if (audio_) check_width(path, "audio", audio_->n_embd_out(), lm_n_embd);
}

int64_t MmprojEncoder::n_embd() const {
  return vision_ ? vision_->n_embd_out() : audio_ ? audio_->n_embd_out() : 0;
}

std::vector<std::string> MmprojEncoder::modalities() const {
  std::vector<std::string> m;
  if (vision_) m.emplace_back("image");
  if (audio_) m.emplace_back("audio");
  return m;
}

std::vector<EmbeddedChunk> MmprojEncoder::encode(const MediaInput& in) const {
  if (!supports(in.kind))
    throw std::invalid_argument(std::string("this mmproj file encodes no ") +
                                modality_name(in.kind));
  return in.kind == Modality::kImage ? encode_image(in) : encode_audio(in);
}

std::vector<EmbeddedChunk> MmprojEncoder::encode_image(const MediaInput& in) const {
  vision::RgbImage img;
  try {
    img = vision::decode_image(in.bytes, opts_.image);
  } catch (const vision::ImageError& e) {
    throw MediaInputError(e.what());
  }
  std::lock_guard lock(mu_);
  return shared_chunks(vision_->encode(img, pool_));
}

std::vector<EmbeddedChunk> MmprojEncoder::encode_audio(const MediaInput& in) const {
  std::vector<float> samples;
  try {
    samples = audio::decode_audio(in.bytes, in.format, opts_.audio);
  } catch (const audio::AudioError& e) {
    throw MediaInputError(e.what());
  }
  std::lock_guard lock(mu_);
  audio::AudioEmbedding e;
  try {
    e = audio_->encode(samples, pool_);
  } catch (const audio::AudioError& err) {  // e.g. a clip with no samples left
    throw MediaInputError(err.what());
  }
  return shared_chunks(std::move(e));
}

}  // namespace tandem::media
