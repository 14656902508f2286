#include "vision/vision_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>

#include "convert/synth_mmproj.h"
#include "mmproj/mmproj_test_util.h"
#include "vision/vision_test_util.h"

namespace tandem::vision {
namespace {

RgbImage fixture() {
  return decode_image(testing::read_bytes(testing::fixture_png()));
}

TEST(VisionEncoder, RowCountsAndMarkersPerProjector) {
  kernels::ThreadPool pool(2);
  const RgbImage img = fixture();
  {
    const auto enc = VisionEncoder::open(testing::tiny_mmproj("mlp"));
    EXPECT_EQ(enc.n_embd_out(), 40);
    const auto e = enc.encode(img, pool);
    ASSERT_EQ(e.chunks.size(), 1u);
    EXPECT_EQ(e.n_rows(), 64);  // (32 / 4)^2 patches, the class row dropped
    EXPECT_EQ(e.chunks[0].rows.size(), 64u * 40);
    EXPECT_EQ(e.chunks[0].text_before, "");
    EXPECT_EQ(e.chunks[0].text_after, "");
    EXPECT_EQ(enc.rows_for(45, 37), 64);
  }
  {
    const auto enc = VisionEncoder::open(testing::tiny_mmproj("gemma3"));
    const auto e = enc.encode(img, pool);
    ASSERT_EQ(e.chunks.size(), 1u);
    EXPECT_EQ(e.n_rows(), 4);  // 8 x 8 patches pooled 4 x 4
    EXPECT_EQ(e.chunks[0].text_before, "<start_of_image>");
    EXPECT_EQ(e.chunks[0].text_after, "<end_of_image>");
  }
  {
    const auto enc = VisionEncoder::open(testing::tiny_mmproj("idefics3"));
    const auto e = enc.encode(img, pool);
    ASSERT_EQ(e.chunks.size(), 5u);  // 2 x 2 tiles + overview
    EXPECT_EQ(e.n_rows(), 5 * 16);   // 64 patches shuffled 2 x 2
    EXPECT_EQ(enc.rows_for(45, 37), 80);
    std::string prompt;
    for (const auto& c : e.chunks)
      prompt += c.text_before + "[" + std::to_string(c.n_rows) + "]" + c.text_after;
    EXPECT_EQ(
        prompt,
        "<fake_token_around_image><row_1_col_1>[16]<fake_token_around_image><row_1_col_2>[16]\n"
        "<fake_token_around_image><row_2_col_1>[16]<fake_token_around_image><row_2_col_2>[16]"
        "\n\n<fake_token_around_image><global-img>[16]<fake_token_around_image>");
  }
}

TEST(VisionEncoder, ThreadCountDoesNotChangeTheResult) {
  const auto enc = VisionEncoder::open(testing::tiny_mmproj("idefics3", "F16"));
  const RgbImage img = fixture();
  kernels::ThreadPool one(1), three(3);
  const auto a = enc.encode(img, one), b = enc.encode(img, three);
  ASSERT_EQ(a.chunks.size(), b.chunks.size());
  double max_abs = 0, max_diff = 0;
  for (size_t c = 0; c < a.chunks.size(); ++c)
    for (size_t i = 0; i < a.chunks[c].rows.size(); ++i) {
      max_abs = std::max(max_abs, static_cast<double>(std::fabs(a.chunks[c].rows[i])));
      max_diff = std::max(
          max_diff, static_cast<double>(std::fabs(a.chunks[c].rows[i] - b.chunks[c].rows[i])));
      ASSERT_TRUE(std::isfinite(a.chunks[c].rows[i]));
    }
  EXPECT_GT(max_abs, 0.01);
  EXPECT_LT(max_diff, 1e-5 * max_abs);
}

TEST(VisionEncoder, Gemma3At896GivesTheReal256Rows) {
  // Gemma 3's geometry (896 px, patch 14 -> 64 x 64 patches, pool 4) on a very thin tower.
  convert::MmprojSynthOptions o;
  o.projector = "gemma3";
  o.shape = convert::vision_preset("tiny");
  o.shape.image_size = 896;
  o.shape.patch_size = 14;
  o.shape.n_embd = 8;
  o.shape.n_head = 1;
  o.shape.n_ff = 16;
  o.shape.n_layer = 1;
  o.n_embd_text = 24;
  o.type = "F32";
  const auto path = (std::filesystem::temp_directory_path() /
                     ("tandem-gemma3-896-" + std::to_string(getpid()) + ".gguf"))
                        .string();
  convert::synth_mmproj(o, path);
  const auto enc = VisionEncoder::open(path);
  EXPECT_EQ(enc.rows_per_tile(), 256);
  kernels::ThreadPool pool(2);
  const auto e = enc.encode(fixture(), pool);
  EXPECT_EQ(e.n_rows(), 256);
  EXPECT_EQ(e.chunks[0].rows.size(), 256u * 24);
}

TEST(VisionEncoder, FileWithoutVisionOrWithAQuantizedTowerLoadsOrFailsClearly) {
  EXPECT_THAT([] { VisionEncoder::open("/nonexistent/mmproj.gguf"); },
              ::testing::ThrowsMessage<model::ModelFileError>(
                  ::testing::HasSubstr("/nonexistent/mmproj.gguf")));
  // Q8_0 matrices (the patch convolution stays F16) load and encode.
  const auto enc = VisionEncoder::open(testing::tiny_mmproj("mlp", "Q8_0"));
  kernels::ThreadPool pool(2);
  EXPECT_EQ(enc.encode(fixture(), pool).n_rows(), 64);
}

}  // namespace
}  // namespace tandem::vision
