#include "vision/image_ops.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tandem::vision {
namespace {

RgbImage blank(int w, int h) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.assign(static_cast<size_t>(w) * h * 3, 0);
  return img;
}

RgbImage bilinear(const RgbImage& src, int tw, int th) {
  RgbImage dst = blank(tw, th);
  const float x_ratio = static_cast<float>(src.width - 1) / static_cast<float>(tw);
  const float y_ratio = static_cast<float>(src.height - 1) / static_cast<float>(th);
  // A source 1 pixel wide or high has no second sample: both taps read the edge.
  const int x_max = std::max(0, src.width - 2), y_max = std::max(0, src.height - 2);
  const int x_step = src.width > 1 ? 1 : 0, y_step = src.height > 1 ? 1 : 0;
  for (int y = 0; y < th; ++y) {
    const float py = y_ratio * static_cast<float>(y);
    const int y0 = std::min(static_cast<int>(py), y_max);
    const float fy = py - static_cast<float>(y0);
    for (int x = 0; x < tw; ++x) {
      const float px = x_ratio * static_cast<float>(x);
      const int x0 = std::min(static_cast<int>(px), x_max);
      const float fx = px - static_cast<float>(x0);
      const uint8_t* a = src.at(x0, y0);
      const uint8_t* b = src.at(x0 + x_step, y0);
      const uint8_t* c = src.at(x0, y0 + y_step);
      const uint8_t* d = src.at(x0 + x_step, y0 + y_step);
      uint8_t* out = dst.at(x, y);
      for (int k = 0; k < 3; ++k) {
        const float top = static_cast<float>(a[k]) + fx * (static_cast<float>(b[k]) - a[k]);
        const float bottom = static_cast<float>(c[k]) + fx * (static_cast<float>(d[k]) - c[k]);
        out[k] = static_cast<uint8_t>(top + fy * (bottom - top));
      }
    }
  }
  return dst;
}

// Cubic through 4 samples at offsets -1, 0, 1, 2, evaluated at t in [0, 1). In double, so
// a reference elsewhere (tests/vision/reference_vision.py) rounds to the same 8 bits.
double cubic(double p0, double p1, double p2, double p3, double t) {
  const double d0 = p0 - p1, d2 = p2 - p1, d3 = p3 - p1;
  const double a1 = -1.0 / 3 * d0 + d2 - 1.0 / 6 * d3;
  const double a2 = 1.0 / 2 * d0 + 1.0 / 2 * d2;
  const double a3 = -1.0 / 6 * d0 - 1.0 / 2 * d2 + 1.0 / 6 * d3;
  return p1 + a1 * t + a2 * t * t + a3 * t * t * t;
}

RgbImage bicubic(const RgbImage& src, int tw, int th) {
  RgbImage dst = blank(tw, th);
  const float tx = static_cast<float>(src.width) / static_cast<float>(tw);
  const float ty = static_cast<float>(src.height) / static_cast<float>(th);
  auto px = [&](int x, int y, int k) {
    x = std::clamp(x, 0, src.width - 1);
    y = std::clamp(y, 0, src.height - 1);
    return static_cast<double>(src.at(x, y)[k]);
  };
  for (int i = 0; i < th; ++i) {
    for (int j = 0; j < tw; ++j) {
      const int x = static_cast<int>(tx * static_cast<float>(j));
      const int y = static_cast<int>(ty * static_cast<float>(i));
      const float dx = tx * static_cast<float>(j) - static_cast<float>(x);
      const float dy = ty * static_cast<float>(i) - static_cast<float>(y);
      for (int k = 0; k < 3; ++k) {
        double col[4];
        for (int r = 0; r < 4; ++r) {
          const int yy = y - 1 + r;
          col[r] = cubic(px(x - 1, yy, k), px(x, yy, k), px(x + 1, yy, k), px(x + 2, yy, k), dx);
        }
        const double v = cubic(col[0], col[1], col[2], col[3], dy);
        dst.at(j, i)[k] = static_cast<uint8_t>(std::clamp(std::round(v), 0.0, 255.0));
      }
    }
  }
  return dst;
}

void check_size(const RgbImage& src, int w, int h) {
  if (src.width <= 0 || src.height <= 0 || w <= 0 || h <= 0)
    throw std::invalid_argument("resize: empty image or target (" + std::to_string(w) + "x" +
                                std::to_string(h) + ")");
}

}  // namespace

RgbImage resize(const RgbImage& src, int width, int height, ResizeAlgo algo) {
  check_size(src, width, height);
  if (src.width == width && src.height == height) return src;
  return algo == ResizeAlgo::Bilinear ? bilinear(src, width, height) : bicubic(src, width, height);
}

RgbImage resize_letterbox(const RgbImage& src, int width, int height, ResizeAlgo algo,
                          std::array<uint8_t, 3> pad) {
  check_size(src, width, height);
  if (src.width == width && src.height == height) return src;
  const float scale = std::min(static_cast<float>(width) / static_cast<float>(src.width),
                               static_cast<float>(height) / static_cast<float>(src.height));
  const int nw = std::max(
      1, std::min(static_cast<int>(std::ceil(static_cast<float>(src.width) * scale)), width));
  const int nh = std::max(
      1, std::min(static_cast<int>(std::ceil(static_cast<float>(src.height) * scale)), height));
  const RgbImage inner = resize(src, nw, nh, algo);
  RgbImage dst = blank(width, height);
  for (size_t i = 0; i < dst.pixels.size(); i += 3)
    std::copy(pad.begin(), pad.end(), dst.pixels.begin() + static_cast<std::ptrdiff_t>(i));
  const int ox = (width - nw) / 2, oy = (height - nh) / 2;
  for (int y = 0; y < nh; ++y)
    std::copy_n(inner.at(0, y), static_cast<size_t>(nw) * 3, dst.at(ox, oy + y));
  return dst;
}

RgbImage crop(const RgbImage& src, int x, int y, int w, int h) {
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > src.width || y + h > src.height)
    throw std::invalid_argument("crop window outside the image");
  RgbImage dst = blank(w, h);
  for (int r = 0; r < h; ++r)
    std::copy_n(src.at(x, y + r), static_cast<size_t>(w) * 3, dst.at(0, r));
  return dst;
}

std::vector<float> normalize_planar(const RgbImage& img, const std::array<float, 3>& mean,
                                    const std::array<float, 3>& std) {
  const size_t plane = static_cast<size_t>(img.width) * img.height;
  std::vector<float> out(plane * 3);
  for (size_t i = 0; i < plane; ++i)
    for (int c = 0; c < 3; ++c)
      out[c * plane + i] = (static_cast<float>(img.pixels[i * 3 + c]) / 255.0f - mean[c]) / std[c];
  return out;
}

}  // namespace tandem::vision
