// The pixel operations of llama.cpp's image preprocessing (mtmd-image.cpp), on 8-bit RGB,
// reproduced so that the same file sees the same pixels here and there.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "vision/image.h"

namespace tandem::vision {

enum class ResizeAlgo { Bilinear, Bicubic };

// Stretches src to width x height (aspect ratio not kept).
// Bilinear: samples at x * (src_w - 1) / width, results truncated to 8 bits (mtmd's).
// Bicubic: the Catmull-Rom-like interpolation mtmd took from ViT.cpp, rounded and clamped.
RgbImage resize(const RgbImage& src, int width, int height, ResizeAlgo algo);

// Fits src inside width x height keeping its aspect ratio (each side ceil(side * scale),
// capped), centred on a background of `pad` (a letterbox). Same size: a copy.
RgbImage resize_letterbox(const RgbImage& src, int width, int height, ResizeAlgo algo,
                          std::array<uint8_t, 3> pad);

// The w x h window at (x, y); it must lie inside src.
RgbImage crop(const RgbImage& src, int x, int y, int w, int h);

// (v / 255 - mean[c]) / std[c] per channel, planar: out[c * w * h + y * w + x].
std::vector<float> normalize_planar(const RgbImage& img, const std::array<float, 3>& mean,
                                    const std::array<float, 3>& std);

}  // namespace tandem::vision
