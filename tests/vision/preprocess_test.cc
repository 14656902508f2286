#include "vision/preprocess.h"

#include <gtest/gtest.h>

#include "vision/image_ops.h"
#include "vision/vision_test_util.h"

namespace tandem::vision {
namespace {

RgbImage solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  RgbImage img;
  img.width = w;
  img.height = h;
  for (int i = 0; i < w * h; ++i) img.pixels.insert(img.pixels.end(), {r, g, b});
  return img;
}

mmproj::VisionHparams tiny_hparams() {
  mmproj::VisionHparams hp;
  hp.image_size = 32;
  hp.patch_size = 4;
  hp.preproc_image_size = 64;
  hp.mean = {0.5f, 0.5f, 0.5f};
  hp.std = {0.5f, 0.5f, 0.5f};
  return hp;
}

TEST(ImageOps, ResizeKeepsSolidColoursAndSizes) {
  const RgbImage img = solid(45, 37, 10, 200, 90);
  for (auto algo : {ResizeAlgo::Bilinear, ResizeAlgo::Bicubic}) {
    for (auto [w, h] : {std::pair{32, 32}, {90, 20}, {7, 50}}) {
      const RgbImage r = resize(img, w, h, algo);
      ASSERT_EQ(r.width, w);
      ASSERT_EQ(r.height, h);
      for (size_t i = 0; i < r.pixels.size(); i += 3) {
        ASSERT_EQ(r.pixels[i], 10);
        ASSERT_EQ(r.pixels[i + 1], 200);
        ASSERT_EQ(r.pixels[i + 2], 90);
      }
    }
  }
}

TEST(ImageOps, BilinearSamplesLikeMtmd) {
  // A 2 x 1 ramp 0 -> 100 stretched to 4 wide: samples at x * (2 - 1) / 4, truncated.
  RgbImage ramp;
  ramp.width = 2;
  ramp.height = 2;
  ramp.pixels = {0, 0, 0, 100, 100, 100, 0, 0, 0, 100, 100, 100};
  const RgbImage r = resize(ramp, 4, 2, ResizeAlgo::Bilinear);
  EXPECT_EQ(r.at(0, 0)[0], 0);
  EXPECT_EQ(r.at(1, 0)[0], 25);
  EXPECT_EQ(r.at(2, 0)[0], 50);
  EXPECT_EQ(r.at(3, 0)[0], 75);
}

TEST(ImageOps, LetterboxCentresAndPads) {
  // 40 x 20 into 32 x 32: scale 0.8 -> 32 x 16, centred at y = 8.
  const RgbImage r =
      resize_letterbox(solid(40, 20, 255, 255, 255), 32, 32, ResizeAlgo::Bilinear, {1, 2, 3});
  ASSERT_EQ(r.width, 32);
  EXPECT_EQ(r.at(0, 7)[0], 1);
  EXPECT_EQ(r.at(0, 7)[2], 3);
  EXPECT_EQ(r.at(0, 8)[0], 255);
  EXPECT_EQ(r.at(31, 23)[0], 255);
  EXPECT_EQ(r.at(31, 24)[1], 2);
}

TEST(ImageOps, NormalizePlanar) {
  const RgbImage img = solid(2, 1, 0, 255, 51);
  const auto v = normalize_planar(img, {0.5f, 0.5f, 0.2f}, {0.5f, 0.25f, 0.1f});
  ASSERT_EQ(v.size(), 6u);
  EXPECT_FLOAT_EQ(v[0], -1.0f);   // channel 0, pixel 0
  EXPECT_FLOAT_EQ(v[2], 2.0f);    // channel 1
  EXPECT_NEAR(v[5], 0.0f, 1e-6);  // channel 2: 51/255 = 0.2
}

TEST(Preprocess, EachFamilyGivesEncoderSizedImages) {
  const RgbImage img = solid(45, 37, 9, 9, 9);
  auto hp = tiny_hparams();
  for (auto t : {mmproj::ProjectorType::Mlp, mmproj::ProjectorType::Gemma3}) {
    const Preprocessed p = preprocess(img, t, hp);
    ASSERT_EQ(p.images.size(), 1u);
    EXPECT_EQ(p.images[0].width, 32);
    EXPECT_FALSE(p.overview);
  }
  // mlp pads with CLIP's mean colour, gemma3 with black (45 x 37 -> 32 x 27, 2 rows above).
  EXPECT_EQ(preprocess(img, mmproj::ProjectorType::Mlp, hp).images[0].at(0, 0)[0], 122);
  EXPECT_EQ(preprocess(img, mmproj::ProjectorType::Gemma3, hp).images[0].at(0, 0)[0], 0);
  EXPECT_EQ(preprocess(img, mmproj::ProjectorType::Gemma3, hp).images[0].at(0, 16)[0], 9);

  // idefics3: longest side 64, sides rounded up to 32 -> 64 x 64 -> 2 x 2 tiles + overview.
  const Preprocessed p = preprocess(img, mmproj::ProjectorType::Idefics3, hp);
  EXPECT_EQ(p.grid_cols, 2);
  EXPECT_EQ(p.grid_rows, 2);
  EXPECT_TRUE(p.overview);
  ASSERT_EQ(p.images.size(), 5u);
  for (const auto& im : p.images) EXPECT_EQ(im.width, 32);
  EXPECT_EQ(p.images.back().at(0, 0)[0], 9);  // the overview is stretched, not padded

  // A wide image: 100 x 20 -> 64 x 12.8 -> 64 x 32: one row of two tiles.
  const Grid g = idefics3_grid(100, 20, hp);
  EXPECT_EQ(g.cols, 2);
  EXPECT_EQ(g.rows, 1);
  // Without preproc_image_size only the overview remains.
  hp.preproc_image_size = 0;
  const Preprocessed only = preprocess(img, mmproj::ProjectorType::Idefics3, hp);
  EXPECT_EQ(only.images.size(), 1u);
  EXPECT_EQ(only.grid_rows, 0);
  EXPECT_TRUE(only.overview);
}

}  // namespace
}  // namespace tandem::vision
