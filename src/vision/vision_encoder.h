// Image in, embedding rows out: the vision half of an mmproj file (preprocessing, tower,
// projector) and the family's prompt markers around the rows.
//
//   auto enc = VisionEncoder::open("mmproj.gguf");
//   ImageEmbedding e = enc.encode(decode_image(bytes), pool);
//   for (auto& c : e.chunks) { tokenize(c.text_before); feed(c.rows); tokenize(c.text_after); }
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/thread_pool.h"
#include "mmproj/mmproj_file.h"
#include "vision/embedding.h"
#include "vision/image.h"
#include "vision/preprocess.h"
#include "vision/projector.h"
#include "vision/vision_tower.h"

namespace tandem::vision {

class VisionEncoder {
 public:
  // Throws model::ModelFileError naming the file (no vision encoder, unsupported projector,
  // missing or misshapen tensors).
  static VisionEncoder open(const std::string& path);
  explicit VisionEncoder(std::unique_ptr<mmproj::MmprojFile> file);

  const mmproj::MmprojFile& file() const { return *file_; }
  mmproj::ProjectorType projector_type() const { return projector_.type(); }
  int64_t n_embd_out() const { return projector_.n_embd_out(); }
  // Rows one encoder input (tile) gives, and rows a whole image of width x height gives
  // (idefics3 tiles + overview), known before encoding (prompt budgets).
  int64_t rows_per_tile() const { return projector_.rows_per_image(); }
  int64_t rows_for(int width, int height) const;

  Preprocessed preprocess(const RgbImage& img) const;
  // One preprocessed image (image_size^2) through normalisation, tower and projector.
  std::vector<float> encode_tile(const RgbImage& tile, kernels::ThreadPool& pool) const;
  // The whole image: preprocess, encode each tile, add the markers.
  ImageEmbedding encode(const RgbImage& img, kernels::ThreadPool& pool) const;

  // Floating-point operations of one encode_tile (2 per multiply-add).
  double flops_per_tile() const { return tower_.flops() + projector_.flops(); }

 private:
  std::unique_ptr<mmproj::MmprojFile> file_;
  VisionTower tower_;
  Projector projector_;
};

}  // namespace tandem::vision
