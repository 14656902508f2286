// Image preprocessing per projector family, as llama.cpp's mtmd does it:
//   mlp      letterbox to image_size^2 (bilinear, pad 122,116,104)
//   gemma3   letterbox to image_size^2 (bilinear, pad black)
//   idefics3 resize (aspect kept) so the longest side is preproc_image_size, round each side
//            up to a multiple of image_size (bicubic, letterboxed black), cut image_size^2
//            tiles row-major, plus the whole image stretched to image_size^2 (bicubic).
#pragma once

#include <vector>

#include "mmproj/mmproj_file.h"
#include "vision/image.h"

namespace tandem::vision {

struct Preprocessed {
  // The encoder's inputs in prompt order (idefics3: tiles row-major, then the overview),
  // each image_size^2 RGB before normalisation.
  std::vector<RgbImage> images;
  int grid_rows = 0;  // idefics3 tile grid; 0 when there are no tiles
  int grid_cols = 0;
  bool overview = false;  // the last image is idefics3's whole-image overview
};

Preprocessed preprocess(const RgbImage& img, mmproj::ProjectorType type,
                        const mmproj::VisionHparams& hp);

// The tile grid (cols, rows) idefics3 cuts an image of width x height into; {0, 0} when
// preproc_image_size is absent (overview only).
struct Grid {
  int cols = 0;
  int rows = 0;
};
Grid idefics3_grid(int width, int height, const mmproj::VisionHparams& hp);

}  // namespace tandem::vision
