// A gemma2/gemma3 file without a tokenizer.chat_template of its own still renders Gemma's
// turns (and stops at <end_of_turn>), a phi3 one Phi-3's (stopping at <|end|>); a llama file
// without one keeps the plain fallback.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/model.h"
#include "model/gguf_file.h"
#include "model/gguf_writer.h"
#include "support/paths.h"
#include "template/chat_template.h"

namespace tandem::templates {
namespace {

// A one-layer model of `arch` with zero weights (only the binding matters here) and
// stories260K's vocabulary, which carries no chat template.
std::string tiny_model(const std::string& arch) {
  const auto vocab = model::GgufFile::open(test::stories("stories260K-f32.gguf"));
  const int64_t n_vocab = vocab.tensor("token_embd.weight").dims[1];
  constexpr int64_t kEmbd = 8, kFf = 16;
  const std::string a = arch + ".";
  model::GgufWriter g;
  g.set_string("general.architecture", arch);
  for (const auto& [k, v] : vocab.metadata())
    if (k.rfind("tokenizer.", 0) == 0 && k != "tokenizer.chat_template") g.set(k, v);
  g.set_u32(a + "context_length", 64);
  g.set_u32(a + "embedding_length", kEmbd);
  g.set_u32(a + "block_count", 1);
  g.set_u32(a + "feed_forward_length", kFf);
  g.set_u32(a + "attention.head_count", 2);
  g.set_u32(a + "attention.head_count_kv", 2);
  g.set_u32(a + "attention.sliding_window", 16);
  std::vector<std::pair<std::string, std::vector<int64_t>>> tensors = {
      {"token_embd.weight", {kEmbd, n_vocab}},      {"output_norm.weight", {kEmbd}},
      {"blk.0.attn_norm.weight", {kEmbd}},          {"blk.0.attn_q.weight", {kEmbd, kEmbd}},
      {"blk.0.attn_k.weight", {kEmbd, kEmbd}},      {"blk.0.attn_v.weight", {kEmbd, kEmbd}},
      {"blk.0.attn_output.weight", {kEmbd, kEmbd}}, {"blk.0.ffn_norm.weight", {kEmbd}},
      {"blk.0.ffn_gate.weight", {kEmbd, kFf}},      {"blk.0.ffn_up.weight", {kEmbd, kFf}},
      {"blk.0.ffn_down.weight", {kFf, kEmbd}}};
  if (arch == "phi3") {  // Q/K/V fused in attn_qkv, gate and up in ffn_up
    tensors = {
        {"token_embd.weight", {kEmbd, n_vocab}},      {"output_norm.weight", {kEmbd}},
        {"blk.0.attn_norm.weight", {kEmbd}},          {"blk.0.attn_qkv.weight", {kEmbd, 3 * kEmbd}},
        {"blk.0.attn_output.weight", {kEmbd, kEmbd}}, {"blk.0.ffn_norm.weight", {kEmbd}},
        {"blk.0.ffn_up.weight", {kEmbd, 2 * kFf}},    {"blk.0.ffn_down.weight", {kFf, kEmbd}}};
  }
  if (arch == "gemma2" || arch == "gemma3") {
    tensors.push_back({"blk.0.post_attention_norm.weight", {kEmbd}});
    tensors.push_back({"blk.0.post_ffw_norm.weight", {kEmbd}});
  }
  if (arch == "gemma3") {
    tensors.push_back({"blk.0.attn_q_norm.weight", {kEmbd / 2}});
    tensors.push_back({"blk.0.attn_k_norm.weight", {kEmbd / 2}});
  }
  std::vector<std::vector<float>> data;
  for (const auto& [name, dims] : tensors) {
    int64_t n = 1;
    for (auto d : dims) n *= d;
    data.emplace_back(static_cast<size_t>(n), 0.0f);
    g.add_tensor(name, model::GgmlType::F32, dims,
                 std::span(reinterpret_cast<const uint8_t*>(data.back().data()),
                           data.back().size() * sizeof(float)));
  }
  const std::string path = testing::TempDir() + "/" + arch + "_template.gguf";
  g.write(path);
  return path;
}

TEST(GemmaModelTemplate, GemmaFilesWithoutATemplateGetGemmaTurns) {
  for (const std::string arch : {"gemma2", "gemma3"}) {
    const auto m = engine::Model::load(tiny_model(arch));
    const ChatTemplate t = chat_template_for(*m, "");
    EXPECT_EQ(t.name(), "gemma") << arch;
    EXPECT_EQ(t.end_of_turn(), "<end_of_turn>") << arch;
    EXPECT_EQ(t.render({{"system", "Be brief."}, {"user", "Hi"}}, {}),
              "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n");
  }
  const auto llama = engine::Model::load(tiny_model("llama"));
  EXPECT_EQ(chat_template_for(*llama, "").name(), "plain");
}

TEST(GemmaModelTemplate, Phi3FilesWithoutATemplateGetPhi3Turns) {
  const auto m = engine::Model::load(tiny_model("phi3"));
  const ChatTemplate t = chat_template_for(*m, "");
  EXPECT_EQ(t.name(), "phi3");
  EXPECT_EQ(t.end_of_turn(), "<|end|>");
  EXPECT_EQ(t.render({{"system", "Be brief."}, {"user", "Hi"}}, {}),
            "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\n");
}

}  // namespace
}  // namespace tandem::templates
