#include "media/mmproj_encoder.h"

#include <stdexcept>

#include "mmproj/mmproj_file.h"

namespace tandem::media {

MmprojEncoder::MmprojEncoder(const std::string& path, MmprojEncoderOptions opts, int64_t lm_n_embd)
    : opts_(opts), pool_(std::max(1, opts.threads)) {
  auto file = std::make_unique<mmproj::MmprojFile>(mmproj::MmprojFile::open(path));
  if (file->has_audio() && !file->has_vision())
    throw file->error("it holds only an audio encoder, which this build cannot run yet");
  if (!file->has_vision()) throw file->error("it holds no vision encoder");
  vision_.emplace(std::move(file));
  if (lm_n_embd > 0 && vision_->n_embd_out() != lm_n_embd)
    throw std::invalid_argument(path + ": the projector gives rows of " +
                                std::to_string(vision_->n_embd_out()) +
                                " floats, the language model embeds " + std::to_string(lm_n_embd) +
                                ": they are not a pair");
}

int64_t MmprojEncoder::n_embd() const {
  return vision_ ? vision_->n_embd_out() : 0;
}

std::vector<std::string> MmprojEncoder::modalities() const {
  std::vector<std::string> m;
  if (vision_) m.emplace_back("image");
  return m;
}

std::vector<EmbeddedChunk> MmprojEncoder::encode(const MediaInput& in) const {
  if (!supports(in.kind))
    throw std::invalid_argument(std::string("this mmproj file encodes no ") +
                                modality_name(in.kind));
  vision::RgbImage img;
  try {
    img = vision::decode_image(in.bytes, opts_.image);
  } catch (const vision::ImageError& e) {
    throw MediaInputError(e.what());
  }
  std::lock_guard lock(mu_);
  vision::ImageEmbedding e = vision_->encode(img, pool_);
  std::vector<EmbeddedChunk> out;
  out.reserve(e.chunks.size());
  for (auto& c : e.chunks)
    out.push_back({std::move(c.text_before), c.n_rows, c.n_embd,
                   std::make_shared<const std::vector<float>>(std::move(c.rows)),
                   std::move(c.text_after)});
  return out;
}

}  // namespace tandem::media
