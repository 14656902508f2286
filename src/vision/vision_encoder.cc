#include "vision/vision_encoder.h"

#include <stdexcept>

#include "vision/image_ops.h"

namespace tandem::vision {
namespace {

mmproj::ProjectorType vision_type(const mmproj::MmprojFile& f) {
  return f.projector(mmproj::Modality::Vision);  // throws when the file has no vision encoder
}

}  // namespace

VisionEncoder VisionEncoder::open(const std::string& path) {
  return VisionEncoder(std::make_unique<mmproj::MmprojFile>(mmproj::MmprojFile::open(path)));
}

VisionEncoder::VisionEncoder(std::unique_ptr<mmproj::MmprojFile> file)
    : file_(std::move(file)),
      tower_(*file_, vision_type(*file_)),
      projector_(*file_, vision_type(*file_)) {}

int64_t VisionEncoder::rows_for(int width, int height) const {
  if (projector_type() != mmproj::ProjectorType::Idefics3) return rows_per_tile();
  const Grid g = idefics3_grid(width, height, file_->vision());
  return (static_cast<int64_t>(g.cols) * g.rows + 1) * rows_per_tile();
}

Preprocessed VisionEncoder::preprocess(const RgbImage& img) const {
  return vision::preprocess(img, projector_type(), file_->vision());
}

std::vector<float> VisionEncoder::encode_tile(const RgbImage& tile,
                                              kernels::ThreadPool& pool) const {
  const auto& hp = file_->vision();
  if (tile.width != hp.image_size || tile.height != hp.image_size)
    throw std::invalid_argument("encode_tile: a " + std::to_string(tile.width) + "x" +
                                std::to_string(tile.height) + " tile, the encoder takes " +
                                std::to_string(hp.image_size) + "^2");
  const auto planar = normalize_planar(tile, hp.mean, hp.std);
  return projector_.forward(tower_.forward(planar, pool), pool);
}

ImageEmbedding VisionEncoder::encode(const RgbImage& img, kernels::ThreadPool& pool) const {
  const Preprocessed pre = preprocess(img);
  ImageEmbedding out;
  for (const auto& tile : pre.images) {
    EmbeddingChunk c;
    c.rows = encode_tile(tile, pool);
    c.n_embd = n_embd_out();
    c.n_rows = rows_per_tile();
    out.chunks.push_back(std::move(c));
  }
  switch (projector_type()) {
    case mmproj::ProjectorType::Gemma3:
      out.chunks.front().text_before = "<start_of_image>";
      out.chunks.back().text_after = "<end_of_image>";
      break;
    case mmproj::ProjectorType::Idefics3: {
      // mtmd's MTMD_SLICE_TMPL_IDEFICS3 (after HF processing_idefics3).
      for (int r = 0; r < pre.grid_rows; ++r)
        for (int c = 0; c < pre.grid_cols; ++c) {
          auto& chunk = out.chunks[static_cast<size_t>(r * pre.grid_cols + c)];
          chunk.text_before = "<fake_token_around_image><row_" + std::to_string(r + 1) + "_col_" +
                              std::to_string(c + 1) + ">";
          if (c == pre.grid_cols - 1 && r != pre.grid_rows - 1) chunk.text_after = "\n";
        }
      auto& ov = out.chunks.back();
      ov.text_before = "\n\n<fake_token_around_image><global-img>";
      ov.text_after = "<fake_token_around_image>";
      break;
    }
    default:
      break;  // mlp: the chat template's own text surrounds the rows
  }
  return out;
}

}  // namespace tandem::vision
