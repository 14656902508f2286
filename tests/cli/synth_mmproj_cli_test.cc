// `tandem synth --mmproj-out`: a random-weight mmproj in llama.cpp's layout (vision, audio or
// both), alone or with a language model; bad options exit non-zero with a message naming the
// problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "model/gguf_file.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

using ::testing::HasSubstr;

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::path(unique_temp_dir()) / "tandem_synth_mmproj_cli_test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

TEST(SynthMmprojCli, WritesEachProjectorInLlamaCppLayout) {
  struct Case {
    std::string projector;
    std::vector<std::string> tensors;
  };
  const Case cases[] = {
      {"mlp", {"v.class_embd", "v.pre_ln.weight", "mm.0.weight", "mm.2.bias"}},
      {"idefics3", {"v.patch_embd.bias", "v.post_ln.weight", "mm.model.fc.weight"}},
      {"gemma3", {"v.post_ln.bias", "mm.soft_emb_norm.weight", "mm.input_projection.weight"}},
      {"gated",
       {"v.post_ln.bias", "mm.0.weight", "mm.gate.weight", "mm.gate.bias", "mm.text.weight"}},
  };
  for (const auto& c : cases) {
    const auto path = temp_path(c.projector + ".gguf");
    const auto r = run_tandem({"synth", "--mmproj-out", path, "--projector", c.projector,
                               "--vision", "tiny", "--mmproj-type", "Q8_0", "--n-embd-text", "64"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("wrote " + path));
    const auto f = model::GgufFile::open(path);
    EXPECT_EQ(f.get_string("clip.projector_type"), c.projector);
    EXPECT_TRUE(f.get_bool("clip.has_vision_encoder"));
    EXPECT_EQ(f.get_int("clip.vision.block_count"), 3);
    for (const auto& t : c.tensors) EXPECT_NE(f.find_tensor(t), nullptr) << c.projector << " " << t;
    EXPECT_EQ(f.tensor("v.blk.2.ffn_up.weight").dims, (std::vector<int64_t>{32, 48}));
    EXPECT_EQ(f.tensor("v.blk.0.attn_q.weight").type, model::GgmlType::Q8_0);
  }
  // The projector's output width defaults to the language model's n_embd (--like).
  const auto path = temp_path("default-width.gguf");
  ASSERT_EQ(run_tandem({"synth", "--mmproj-out", path, "--projector", "gemma3", "--like",
                        "qwen2.5-0.5b", "--mmproj-type", "F32"})
                .exit_code,
            0);
  EXPECT_EQ(model::GgufFile::open(path).tensor("mm.input_projection.weight").dims[0], 896);
}

TEST(SynthMmprojCli, WritesEachAudioProjectorInLlamaCppLayout) {
  // clip-impl.h's names: a.conv1d.%d, a.position_embd, a.blk.N.*, a.post_ln, mm.a.mlp.%d,
  // mm.a.norm_pre / norm_mid (ultravox), mm.a.fc (qwen2a).
  struct Case {
    std::string projector;
    std::vector<std::string> tensors;
  };
  const Case cases[] = {
      {"ultravox",
       {"mm.a.norm_pre.weight", "mm.a.mlp.1.weight", "mm.a.norm_mid.weight", "mm.a.mlp.2.weight"}},
      {"qwen2a", {"mm.a.fc.weight", "mm.a.fc.bias"}},
  };
  for (const auto& c : cases) {
    const auto path = temp_path(c.projector + ".gguf");
    const auto r = run_tandem({"synth", "--mmproj-out", path, "--projector", c.projector, "--audio",
                               "tiny", "--mmproj-type", "Q8_0", "--n-embd-text", "64"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("tiny audio"));
    const auto f = model::GgufFile::open(path);
    EXPECT_EQ(f.get_string("clip.projector_type"), c.projector);
    EXPECT_TRUE(f.get_bool("clip.has_audio_encoder"));
    EXPECT_FALSE(f.get_bool("clip.has_vision_encoder", false));
    EXPECT_EQ(f.get_int("clip.audio.num_mel_bins"), 128);
    EXPECT_EQ(f.get_int("clip.audio.block_count"), 2);
    EXPECT_EQ(f.get_int("clip.audio.projector.stack_factor", 0), c.projector == "ultravox" ? 8 : 0);
    for (const auto& t : c.tensors) EXPECT_NE(f.find_tensor(t), nullptr) << c.projector << " " << t;
    EXPECT_EQ(f.tensor("a.conv1d.1.weight").dims, (std::vector<int64_t>{3, 128, 32}));
    EXPECT_EQ(f.tensor("a.conv1d.1.weight").type, model::GgmlType::F16);  // kept in float
    EXPECT_EQ(f.tensor("a.conv1d.2.bias").dims, (std::vector<int64_t>{1, 32}));
    EXPECT_EQ(f.tensor("a.position_embd.weight").dims, (std::vector<int64_t>{32, 1500}));
    EXPECT_EQ(f.tensor("a.blk.1.attn_q.weight").type, model::GgmlType::Q8_0);
    EXPECT_EQ(f.find_tensor("a.blk.0.attn_k.bias"), nullptr);  // Whisper's k_proj has none
    EXPECT_NE(f.find_tensor("a.post_ln.bias"), nullptr);
  }
  // One vision and one audio projector: a file with both encoders, per-modality keys.
  const auto path = temp_path("both.gguf");
  ASSERT_EQ(run_tandem({"synth", "--mmproj-out", path, "--projector", "gemma3,qwen2a",
                        "--n-embd-text", "64"})
                .exit_code,
            0);
  const auto f = model::GgufFile::open(path);
  EXPECT_EQ(f.get_string("clip.vision.projector_type"), "gemma3");
  EXPECT_EQ(f.get_string("clip.audio.projector_type"), "qwen2a");
  EXPECT_EQ(f.find("clip.projector_type"), nullptr);
  EXPECT_TRUE(f.get_bool("clip.has_vision_encoder"));
  EXPECT_TRUE(f.get_bool("clip.has_audio_encoder"));
}

TEST(SynthMmprojCli, BadOptionsAreNamed) {
  const auto path = temp_path("bad.gguf");
  auto r = run_tandem({"synth", "--mmproj-out", path, "--projector", "minicpmv"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("minicpmv"));
  r = run_tandem({"synth", "--mmproj-out", path, "--vision", "vit-huge"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("unknown vision shape 'vit-huge'"));
  r = run_tandem({"synth", "--mmproj-out", path, "--projector", "ultravox", "--audio", "huge"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("unknown audio shape 'huge'"));
  r = run_tandem({"synth", "--mmproj-out", path, "--projector", "ultravox,qwen2a"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("one vision and one audio projector"));
  r = run_tandem({"synth", "--mmproj-out", path, "--mmproj-type", "Q4_K"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("F32, F16 or Q8_0"));
  r = run_tandem({"synth"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("nothing to write"));
  r = run_tandem({"synth", "-o", path});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--vocab-from"));
  r = run_tandem({"synth", "--like", "smolvlm", "-o", path});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--like smolvlm writes a pair"));
}

// A multimodal pair's mmproj projects to its text model's width. (The text models, billions
// of random parameters, are written by the benchmark runs, not here.)
TEST(SynthMmprojCli, PairPresetsMatchTheirTextModel) {
  const auto help = run_tandem({"synth", "--help"});
  EXPECT_THAT(help.out, HasSubstr("smolvlm"));
  struct Case {
    std::string like, projector;
    int64_t image_size, n_text;
  };
  for (const Case& c :
       {Case{"smolvlm", "idefics3", 384, 2048}, Case{"gemma3", "gemma3", 896, 2560}}) {
    const auto mm = temp_path(c.like + "-mm.gguf");
    const auto r =
        run_tandem({"synth", "--like", c.like, "--mmproj-out", mm, "--mmproj-type", "Q8_0"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto f = model::GgufFile::open(mm);
    EXPECT_EQ(f.get_string("clip.projector_type"), c.projector);
    EXPECT_EQ(f.get_int("clip.vision.image_size"), c.image_size);
    EXPECT_EQ(f.get_int("clip.vision.projection_dim"), c.n_text) << c.like;
    std::filesystem::remove(mm);
  }
}

}  // namespace
}  // namespace tandem::test
