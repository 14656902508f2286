#include "mmproj/mmproj_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mmproj/mmproj_test_util.h"
#include "model/gguf_writer.h"

namespace tandem::mmproj {
namespace {

using ::testing::HasSubstr;

// The keys of a tiny vision file with the given projector type and no tensors.
model::GgufWriter keys_only(const std::string& projector) {
  model::GgufWriter w;
  w.set_bool("clip.has_vision_encoder", true);
  w.set_string("clip.projector_type", projector);
  w.set_u32("clip.vision.image_size", 8);
  w.set_u32("clip.vision.patch_size", 4);
  w.set_u32("clip.vision.embedding_length", 8);
  w.set_u32("clip.vision.feed_forward_length", 16);
  w.set_u32("clip.vision.block_count", 1);
  w.set_u32("clip.vision.attention.head_count", 2);
  w.set_f32("clip.vision.attention.layer_norm_epsilon", 1e-6f);
  w.set_u32("clip.vision.projection_dim", 8);
  w.set_f32_array("clip.vision.image_mean", {0.5f, 0.5f, 0.5f});
  w.set_f32_array("clip.vision.image_std", {0.5f, 0.5f, 0.5f});
  return w;
}

MmprojFile from_writer(const model::GgufWriter& w, const std::string& name) {
  return MmprojFile::from_gguf(model::GgufFile::from_bytes(w.to_bytes(), name));
}

TEST(MmprojFile, ReadsVisionHparamsOfEachProjector) {
  const auto mlp = MmprojFile::open(testing::tiny_mmproj("mlp"));
  ASSERT_TRUE(mlp.has_vision());
  EXPECT_FALSE(mlp.has_audio());
  EXPECT_EQ(mlp.projector(Modality::Vision), ProjectorType::Mlp);
  const auto& v = mlp.vision();
  EXPECT_EQ(v.image_size, 32);
  EXPECT_EQ(v.patch_size, 4);
  EXPECT_EQ(v.patches_per_side(), 8);
  EXPECT_EQ(v.encoder.n_embd, 32);
  EXPECT_EQ(v.encoder.n_head, 2);
  EXPECT_EQ(v.encoder.head_dim(), 16);
  EXPECT_EQ(v.encoder.n_layer, 3);
  EXPECT_EQ(v.encoder.n_ff, 48);
  EXPECT_EQ(v.encoder.act, FfnActivation::GeluQuick);  // CLIP: neither use_gelu nor use_silu
  EXPECT_NEAR(v.mean[0], 0.48145466f, 1e-7);
  EXPECT_NEAR(v.std[2], 0.27577711f, 1e-7);
  EXPECT_THROW(mlp.audio(), model::ModelFileError);

  const auto idefics = MmprojFile::open(testing::tiny_mmproj("idefics3"));
  EXPECT_EQ(idefics.projector(Modality::Vision), ProjectorType::Idefics3);
  EXPECT_EQ(idefics.vision().encoder.act, FfnActivation::GeluTanh);
  EXPECT_EQ(idefics.vision().scale_factor, 2);
  EXPECT_EQ(idefics.vision().preproc_image_size, 64);

  const auto gemma = MmprojFile::open(testing::tiny_mmproj("gemma3"));
  EXPECT_EQ(gemma.projector(Modality::Vision), ProjectorType::Gemma3);
  EXPECT_EQ(gemma.vision().scale_factor, 0);  // absent: the family default (4) applies
}

TEST(MmprojFile, UnknownProjectorTypeNamesItAndTheFile) {
  try {
    from_writer(keys_only("minicpmv"), "odd-mmproj.gguf");
    FAIL() << "no error";
  } catch (const model::ModelFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("odd-mmproj.gguf"));
    EXPECT_THAT(e.what(), HasSubstr("unknown projector type 'minicpmv'"));
    EXPECT_THAT(e.what(), HasSubstr("mlp, idefics3, gemma3, ultravox, qwen2a"));
  }
}

TEST(MmprojFile, PatchGridDropsTheRemainder) {
  auto w = keys_only("gemma3");
  w.set_u32("clip.vision.image_size", 384);
  w.set_u32("clip.vision.patch_size", 14);
  EXPECT_EQ(from_writer(w, "x").vision().patches_per_side(), 27);  // SigLIP so400m at 384
  w.set_u32("clip.vision.image_size", 8);
  w.set_u32("clip.vision.patch_size", 14);
  EXPECT_THAT([&] { from_writer(w, "x"); },
              ::testing::ThrowsMessage<model::ModelFileError>(HasSubstr("smaller than")));
}

TEST(MmprojFile, ProjectorTypeFallsBackToThePerModalityKey) {
  auto w = keys_only("");
  w.set_string("clip.vision.projector_type", "gemma3");
  EXPECT_EQ(from_writer(w, "x").projector(Modality::Vision), ProjectorType::Gemma3);
  // An audio projector named for the vision encoder is refused.
  EXPECT_THAT([&] { from_writer(keys_only("ultravox"), "x"); },
              ::testing::ThrowsMessage<model::ModelFileError>(HasSubstr("not a vision projector")));
}

TEST(MmprojFile, AudioHparamsAreReadForAudioFiles) {
  model::GgufWriter w;
  w.set_bool("clip.has_audio_encoder", true);
  w.set_string("clip.projector_type", "ultravox");
  w.set_bool("clip.use_gelu", true);
  w.set_u32("clip.audio.embedding_length", 64);
  w.set_u32("clip.audio.feed_forward_length", 128);
  w.set_u32("clip.audio.block_count", 2);
  w.set_u32("clip.audio.attention.head_count", 4);
  w.set_f32("clip.audio.attention.layer_norm_epsilon", 1e-5f);
  w.set_u32("clip.audio.projection_dim", 32);
  w.set_u32("clip.audio.num_mel_bins", 128);
  w.set_u32("clip.audio.projector.stack_factor", 8);
  const auto f = from_writer(w, "audio.gguf");
  ASSERT_TRUE(f.has_audio());
  EXPECT_FALSE(f.has_vision());
  EXPECT_EQ(f.projector(Modality::Audio), ProjectorType::Ultravox);
  EXPECT_EQ(f.audio().n_mel_bins, 128);
  EXPECT_EQ(f.audio().stack_factor, 8);
  EXPECT_EQ(f.audio().encoder.act, FfnActivation::GeluErf);  // audio overrides use_gelu
  EXPECT_THROW(f.vision(), model::ModelFileError);
}

TEST(MmprojFile, NotAnMmprojOrContradictoryKeys) {
  model::GgufWriter plain;
  plain.set_string("general.architecture", "llama");
  EXPECT_THAT([&] { from_writer(plain, "llama.gguf"); },
              ::testing::ThrowsMessage<model::ModelFileError>(HasSubstr("not an mmproj file")));
  auto both = keys_only("mlp");
  both.set_bool("clip.use_gelu", true);
  both.set_bool("clip.use_silu", true);
  EXPECT_THROW(from_writer(both, "x"), model::ModelFileError);
  auto no_mean = keys_only("mlp");
  no_mean.set_f32_array("clip.vision.image_mean", {0.5f, 0.5f});
  EXPECT_THAT([&] { from_writer(no_mean, "x"); },
              ::testing::ThrowsMessage<model::ModelFileError>(HasSubstr("expected 3")));
}

TEST(MmprojFile, TensorAccessChecksNamesAndShapes) {
  const auto f = MmprojFile::open(testing::tiny_mmproj("mlp"));
  const auto w = f.matrix("mm.0.weight", 32, 40);
  EXPECT_EQ(w.rows, 40);
  EXPECT_EQ(w.cols, 32);
  EXPECT_THAT([&] { f.matrix("mm.0.weight", 40, 32); },
              ::testing::ThrowsMessage<model::ModelFileError>(
                  HasSubstr("'mm.0.weight' has shape [32, 40], expected [40, 32]")));
  EXPECT_THAT([&] { f.tensor("mm.9.weight"); }, ::testing::ThrowsMessage<model::ModelFileError>(
                                                    HasSubstr("missing tensor 'mm.9.weight'")));
  EXPECT_EQ(f.floats("v.patch_embd.weight", {4, 4, 3, 32}).size(), 4u * 4 * 3 * 32);
  EXPECT_TRUE(f.optional_vector("v.post_ln.weight", 32).empty());  // CLIP has none
  EXPECT_EQ(f.optional_vector("v.pre_ln.weight", 32).size(), 32u);
}

}  // namespace
}  // namespace tandem::mmproj
