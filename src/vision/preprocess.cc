#include "vision/preprocess.h"

#include <cmath>
#include <stdexcept>

#include "vision/image_ops.h"

namespace tandem::vision {
namespace {

using mmproj::ProjectorType;

// The size idefics3 resizes to before tiling: aspect kept with the longest side at
// `longest`, then each side rounded up to a multiple of `align` (mtmd's
// calc_size_preserved_ratio).
Grid refined_size(int width, int height, int align, int longest) {
  if (longest <= 0) return {};
  const float scale = std::min(static_cast<float>(longest) / static_cast<float>(width),
                               static_cast<float>(longest) / static_cast<float>(height));
  auto ceil_to = [align](float v) {
    return static_cast<int>(std::ceil(v / static_cast<float>(align))) * align;
  };
  return {ceil_to(static_cast<float>(width) * scale), ceil_to(static_cast<float>(height) * scale)};
}

}  // namespace

Grid idefics3_grid(int width, int height, const mmproj::VisionHparams& hp) {
  const int is = static_cast<int>(hp.image_size);
  const Grid r = refined_size(width, height, is, static_cast<int>(hp.preproc_image_size));
  return {r.cols / is, r.rows / is};
}

Preprocessed preprocess(const RgbImage& img, ProjectorType type, const mmproj::VisionHparams& hp) {
  if (img.width <= 0 || img.height <= 0) throw ImageError("image has no pixels");
  const int is = static_cast<int>(hp.image_size);
  Preprocessed out;
  switch (type) {
    case ProjectorType::Mlp:
      out.images.push_back(resize_letterbox(img, is, is, ResizeAlgo::Bilinear, {122, 116, 104}));
      break;
    case ProjectorType::Gemma3:
    case ProjectorType::Gated:
      out.images.push_back(resize_letterbox(img, is, is, ResizeAlgo::Bilinear, {0, 0, 0}));
      break;
    case ProjectorType::Idefics3: {
      const Grid refined =
          refined_size(img.width, img.height, is, static_cast<int>(hp.preproc_image_size));
      if (refined.cols > 0 && refined.rows > 0) {
        const RgbImage big =
            resize_letterbox(img, refined.cols, refined.rows, ResizeAlgo::Bicubic, {0, 0, 0});
        out.grid_cols = refined.cols / is;
        out.grid_rows = refined.rows / is;
        for (int r = 0; r < out.grid_rows; ++r)
          for (int c = 0; c < out.grid_cols; ++c)
            out.images.push_back(crop(big, c * is, r * is, is, is));
      }
      out.images.push_back(resize(img, is, is, ResizeAlgo::Bicubic));  // overview, last
      out.overview = true;
      break;
    }
    default:
      throw std::invalid_argument("projector '" + std::string(mmproj::projector_name(type)) +
                                  "' is not a vision projector");
  }
  return out;
}

}  // namespace tandem::vision
